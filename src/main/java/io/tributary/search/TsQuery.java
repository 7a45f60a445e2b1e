package io.tributary.search;

import java.util.ArrayList;
import java.util.List;

/**
 * A text-search query as PostgreSQL prints it ({@code websearch_to_tsquery('english', q)::text}, e.g.
 * {@code 'custom' & ( 'email' | 'mail' )}, {@code 'amount' <-> '3'}), for the in-memory catalog: lexemes joined by
 * {@code &}, {@code |} and phrases ({@code <->}, {@code <N>}) of lexemes, evaluated as PostgreSQL's
 * {@code TS_execute} and {@code TS_phrase_execute} do. A query with a negation, a prefix, a weight, or {@code &} or
 * {@code |} inside a phrase is not supported: {@link #parse} answers null and the search runs in PostgreSQL.
 */
final class TsQuery {

  /**
   * A node: an operand ({@code v}, its index in {@link #lexemes}) or an operator over two nodes ({@code &}, {@code |},
   * or {@code <} a phrase whose right side starts {@code distance} positions after the left side's end).
   */
  private record Node(char op, int operand, Node left, Node right, int distance) {
    Node(char op, int operand, Node left, Node right) {
      this(op, operand, left, right, 0);
    }
  }

  /** Where a document (or a window of it) has each operand. */
  interface Operands {
    /** Whether operand {@code i} is there. */
    boolean has(int i);

    /**
     * Its positions, ascending, once each, each shifted left by {@link #shift} bits (asked only for operands of a
     * phrase).
     */
    int[] positions(int i);

    /** Bits below each position in {@link #positions} (a tsvector's weight: 2), or 0. */
    default int shift() {
      return 0;
    }
  }

  /**
   * A phrase's matches: the positions of its last word (shifted left by {@code shift} bits), ascending, and its width
   * (as {@code ExecPhraseData}).
   */
  private record Phrase(int[] ends, int shift, int width) {
    int end(int k) {
      return ends[k] >> shift;
    }
  }

  /** The operands in order (a lexeme twice in the query is two operands). */
  final List<String> lexemes;
  private final Node root;

  private TsQuery(List<String> lexemes, Node root) {
    this.lexemes = lexemes;
    this.root = root;
  }

  /** The empty query (only stop words): it matches nothing. */
  boolean empty() {
    return root == null;
  }

  /** The query, or null when it uses what the in-memory catalog does not evaluate. */
  static TsQuery parse(String text) {
    Parser p = new Parser(text);
    p.skip();
    if (p.at >= text.length()) {
      return new TsQuery(List.of(), null);
    }
    Node root = p.or();
    p.skip();
    return p.unsupported || p.at != text.length() ? null : new TsQuery(List.copyOf(p.lexemes), root);
  }

  /** Whether the query holds where {@code present[i]} says which operands are there (a query without phrases). */
  boolean matches(boolean[] present) {
    return matches(new Operands() {
      @Override
      public boolean has(int i) {
        return present[i];
      }

      @Override
      public int[] positions(int i) {
        throw new IllegalStateException("a phrase needs positions");
      }
    });
  }

  /** Whether the query holds for these operands. */
  boolean matches(Operands ops) {
    return root != null && eval(root, ops);
  }

  private static boolean eval(Node n, Operands ops) {
    return switch (n.op()) {
      case '&' -> eval(n.left(), ops) && eval(n.right(), ops);
      case '|' -> eval(n.left(), ops) || eval(n.right(), ops);
      case '<' -> n.left().op() == 'v' && n.right().op() == 'v' ? adjacent(n, ops) : phrase(n, ops) != null;
      default -> ops.has(n.operand());
    };
  }

  /**
   * A phrase of two words ({@code a <N> b}, most phrases): whether some position of b is N after one of a, as
   * {@link #phrase} answers it, without building position lists.
   */
  private static boolean adjacent(Node n, Operands ops) {
    if (!ops.has(n.left().operand()) || !ops.has(n.right().operand())) {
      return false;
    }
    int[] l = ops.positions(n.left().operand());
    int[] r = ops.positions(n.right().operand());
    int shift = ops.shift();
    for (int i = 0, j = 0; i < l.length && j < r.length; ) {
      int lp = (l[i] >> shift) + n.distance();
      int rp = r[j] >> shift;
      if (lp < rp) {
        i++;
      } else if (lp > rp) {
        j++;
      } else {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code TS_phrase_execute}: for {@code L <N> R}, the positions of R's end that lie N plus R's width after one of
   * L's ends (a merge join of two ascending lists); null when there are none.
   */
  private static Phrase phrase(Node n, Operands ops) {
    if (n.op() == 'v') {
      if (!ops.has(n.operand())) {
        return null;
      }
      int[] at = ops.positions(n.operand());
      return at.length == 0 ? null : new Phrase(at, ops.shift(), 0);
    }
    Phrase l = phrase(n.left(), ops);
    if (l == null) {
      return null;
    }
    Phrase r = phrase(n.right(), ops);
    if (r == null) {
      return null;
    }
    int offset = n.distance() + r.width();
    int[] out = new int[Math.min(l.ends().length, r.ends().length)];
    int k = 0;
    for (int i = 0, j = 0; i < l.ends().length && j < r.ends().length; ) {
      int lp = l.end(i) + offset;
      int rp = r.end(j);
      if (lp < rp) {
        i++;
      } else if (lp > rp) {
        j++;
      } else {
        out[k++] = rp;
        i++;
        j++;
      }
    }
    return k == 0 ? null : new Phrase(java.util.Arrays.copyOf(out, k), 0, n.distance() + l.width() + r.width());
  }

  /**
   * The operands of which at least one is in every match, as a set of alternatives: for {@code a & b} either list
   * (the shorter posting is chosen by the caller), for {@code a | b} both.
   */
  List<List<Integer>> required() {
    List<List<Integer>> out = new ArrayList<>();
    collect(root, out);
    return out;
  }

  /** Each entry of {@code out} is a set of operands one of which every match has (a conjunction of disjunctions). */
  private static void collect(Node n, List<List<Integer>> out) {
    if (n.op() == '&' || n.op() == '<') { // a phrase needs each of its words
      collect(n.left(), out);
      collect(n.right(), out);
    } else {
      List<Integer> any = new ArrayList<>();
      leaves(n, any);
      out.add(any);
    }
  }

  /**
   * The pairs of operands that every match has at adjacent positions, first then second: in each required phrase
   * ({@code ... a <-> b ...}), the last word of a {@code <->}'s left side and the first of its right side.
   */
  List<int[]> requiredPairs() {
    List<int[]> out = new ArrayList<>();
    pairs(root, out);
    return out;
  }

  private static void pairs(Node n, List<int[]> out) {
    if (n == null || n.op() != '&' && n.op() != '<') {
      return;
    }
    pairs(n.left(), out);
    pairs(n.right(), out);
    if (n.op() == '<' && n.distance() == 1) {
      out.add(new int[] {edge(n.left(), false), edge(n.right(), true)});
    }
  }

  /** The first or last word of a phrase. */
  private static int edge(Node n, boolean first) {
    return n.op() == 'v' ? n.operand() : edge(first ? n.left() : n.right(), first);
  }

  private static void leaves(Node n, List<Integer> out) {
    if (n.op() == 'v') {
      out.add(n.operand());
    } else {
      leaves(n.left(), out);
      leaves(n.right(), out);
    }
  }

  /**
   * Reads a lexeme as PostgreSQL quotes it in a tsquery's or tsvector's text ({@code 'it''s'}, backslash escapes)
   * into {@code out}, from {@code at} (just past the opening quote); answers the index past the closing quote.
   */
  static int quoted(String s, int at, StringBuilder out) {
    while (at < s.length()) {
      char ch = s.charAt(at++);
      if (ch == '\\' && at < s.length()) {
        out.append(s.charAt(at++));
      } else if (ch == '\'') {
        if (at < s.length() && s.charAt(at) == '\'') {
          out.append('\'');
          at++;
        } else {
          break;
        }
      } else {
        out.append(ch);
      }
    }
    return at;
  }

  private static final class Parser {
    final String s;
    int at;
    boolean unsupported;
    final List<String> lexemes = new ArrayList<>();

    Parser(String s) {
      this.s = s;
    }

    void skip() {
      while (at < s.length() && s.charAt(at) == ' ') {
        at++;
      }
    }

    boolean eat(char c) {
      skip();
      if (at < s.length() && s.charAt(at) == c) {
        at++;
        return true;
      }
      return false;
    }

    Node or() {
      Node left = and();
      while (!unsupported && eat('|')) {
        left = new Node('|', -1, left, and());
      }
      return left;
    }

    Node and() {
      Node left = phrase();
      while (!unsupported && eat('&')) {
        left = new Node('&', -1, left, phrase());
      }
      skip();
      if (at < s.length() && s.charAt(at) == '!') {
        unsupported = true;
      }
      return left;
    }

    /** {@code <->} and {@code <N>} bind tighter than {@code &} and {@code |}, left to right. */
    Node phrase() {
      Node left = primary();
      while (!unsupported && eat('<')) {
        int distance;
        if (eat('-')) {
          distance = 1;
        } else {
          int start = at;
          while (at < s.length() && Character.isDigit(s.charAt(at))) {
            at++;
          }
          distance = at > start && at - start < 6 ? Integer.parseInt(s.substring(start, at)) : -1;
        }
        if (distance < 0 || !eat('>')) {
          unsupported = true;
          return left;
        }
        Node right = primary();
        if (unsupported || !wordsOnly(left) || !wordsOnly(right)) {
          unsupported = true; // & or | inside a phrase: PostgreSQL's rules for those are left to it
          return left;
        }
        left = new Node('<', -1, left, right, distance);
      }
      return left;
    }

    private static boolean wordsOnly(Node n) {
      return n != null && (n.op() == 'v' || n.op() == '<' && wordsOnly(n.left()) && wordsOnly(n.right()));
    }

    Node primary() {
      skip();
      if (at >= s.length()) {
        unsupported = true;
        return null;
      }
      char c = s.charAt(at);
      if (c == '(') {
        at++;
        Node inner = or();
        if (!eat(')')) {
          unsupported = true;
        }
        return inner;
      }
      if (c != '\'') {
        unsupported = true;
        return null;
      }
      StringBuilder lexeme = new StringBuilder();
      at = quoted(s, at + 1, lexeme);
      if (at < s.length() && s.charAt(at) == ':') {
        unsupported = true; // a prefix (:*) or weights
      }
      lexemes.add(lexeme.toString());
      return new Node('v', lexemes.size() - 1, null, null);
    }
  }
}
