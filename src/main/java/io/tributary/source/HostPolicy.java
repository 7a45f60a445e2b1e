package io.tributary.source;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.vertx.core.json.JsonArray;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where connections to users' databases may go: the admin's allow-list ({@code sources.allowed_hosts}: CIDRs, single
 * addresses, host names and {@code *.suffix} patterns), plus loopback in embedded mode. Link-local and cloud metadata
 * addresses (169.254.0.0/16, fd00:ec2::254) and the unspecified address are always refused. A host is resolved once
 * and every address it resolves to must pass; the caller connects to the returned address, so a second lookup cannot
 * lead elsewhere. Blocking (DNS): call it on a worker.
 */
final class HostPolicy {

  /** Resolves a host name to all its addresses. */
  interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private static final List<Cidr> ALWAYS_REFUSED = List.of(Cidr.parse("169.254.0.0/16"), Cidr.parse("fd00:ec2::254/128"),
    Cidr.parse("0.0.0.0/32"), Cidr.parse("::/128"), Cidr.parse("fe80::/10"));
  private static final List<Cidr> LOOPBACK = List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128"));

  private final List<Cidr> cidrs = new ArrayList<>();
  private final List<String> names = new ArrayList<>();
  private final Resolver resolver;

  /**
   * @param allowed  the {@code sources.allowed_hosts} entries
   * @param loopback whether loopback addresses are allowed (embedded mode)
   */
  HostPolicy(JsonArray allowed, boolean loopback, Resolver resolver) {
    this.resolver = resolver;
    for (Object entry : allowed == null ? new JsonArray() : allowed) {
      String text = String.valueOf(entry).trim().toLowerCase(Locale.ROOT);
      if (text.isEmpty()) {
        continue;
      }
      Cidr cidr = Cidr.tryParse(text);
      if (cidr != null) {
        cidrs.add(cidr);
      } else {
        names.add(text);
      }
    }
    if (loopback) {
      cidrs.addAll(LOOPBACK);
    }
  }

  HostPolicy(JsonArray allowed, boolean loopback) {
    this(allowed, loopback, InetAddress::getAllByName);
  }

  /**
   * The address to connect to for {@code host}, when every address it resolves to is allowed; otherwise
   * {@link ErrorCode#HOST_NOT_ALLOWED} (or {@link ErrorCode#SOURCE_UNREACHABLE} when it does not resolve).
   */
  InetAddress check(String host) {
    String name = host.trim().toLowerCase(Locale.ROOT);
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(name);
    } catch (UnknownHostException e) {
      throw new ApiException(ErrorCode.SOURCE_UNREACHABLE, "Host unreachable: " + host + " could not be resolved");
    }
    if (addresses.length == 0) {
      throw new ApiException(ErrorCode.SOURCE_UNREACHABLE, "Host unreachable: " + host + " has no address");
    }
    boolean byName = names.stream().anyMatch(pattern -> matches(pattern, name));
    for (InetAddress address : addresses) {
      if (ALWAYS_REFUSED.stream().anyMatch(c -> c.contains(address))) {
        throw new ApiException(ErrorCode.HOST_NOT_ALLOWED, "Host not allowed: " + host + " resolves to "
          + address.getHostAddress() + ", a link-local or metadata address, which is always refused");
      }
      if (!byName && cidrs.stream().noneMatch(c -> c.contains(address))) {
        throw new ApiException(ErrorCode.HOST_NOT_ALLOWED, "Host not allowed: " + host + " ("
          + address.getHostAddress() + ") is not in sources.allowed_hosts; ask an administrator to add it");
      }
    }
    return addresses[0];
  }

  private static boolean matches(String pattern, String name) {
    if (pattern.startsWith("*.")) {
      return name.endsWith(pattern.substring(1)) && name.length() > pattern.length() - 1;
    }
    return pattern.equals(name);
  }

  /** An address range. */
  record Cidr(byte[] network, int bits) {

    static Cidr parse(String text) {
      Cidr cidr = tryParse(text);
      if (cidr == null) {
        throw new IllegalArgumentException("not a CIDR: " + text);
      }
      return cidr;
    }

    /** A CIDR or a single address literal; null for anything else (a host name or pattern). */
    static Cidr tryParse(String text) {
      int slash = text.indexOf('/');
      String addr = slash < 0 ? text : text.substring(0, slash);
      if (!addr.contains(":") && !addr.matches("[0-9.]+")) {
        return null;
      }
      try {
        // a literal never causes a lookup
        byte[] bytes = InetAddress.getByName(addr).getAddress();
        int bits = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
        if (bits < 0 || bits > bytes.length * 8) {
          return null;
        }
        return new Cidr(bytes, bits);
      } catch (UnknownHostException | NumberFormatException e) {
        return null;
      }
    }

    boolean contains(InetAddress address) {
      byte[] bytes = address.getAddress();
      if (bytes.length != network.length) {
        return false;
      }
      int shift = bytes.length * 8 - bits;
      return new BigInteger(1, bytes).shiftRight(shift).equals(new BigInteger(1, network).shiftRight(shift));
    }
  }
}
