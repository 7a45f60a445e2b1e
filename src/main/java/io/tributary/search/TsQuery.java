package io.tributary.search;

import java.util.ArrayList;
import java.util.List;

/**
 * A text-search query as PostgreSQL prints it ({@code websearch_to_tsquery('english', q)::text}, e.g.
 * {@code 'custom' & ( 'email' | 'mail' )}), for the in-memory catalog: lexemes joined by {@code &} and {@code |}.
 * A query with a phrase ({@code <->}), a negation, a prefix or a weight is not supported: {@link #parse} answers
 * null and the search runs in PostgreSQL.
 */
final class TsQuery {

  /** A node: an operand (its index in {@link #lexemes}) or an operator over two nodes. */
  private record Node(char op, int operand, Node left, Node right) {
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

  /** Whether the query holds when {@code present[i]} says which operands are there. */
  boolean matches(boolean[] present) {
    return root != null && eval(root, present);
  }

  private static boolean eval(Node n, boolean[] present) {
    return switch (n.op()) {
      case '&' -> eval(n.left(), present) && eval(n.right(), present);
      case '|' -> eval(n.left(), present) || eval(n.right(), present);
      default -> present[n.operand()];
    };
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
    if (n.op() == '&') {
      collect(n.left(), out);
      collect(n.right(), out);
    } else {
      List<Integer> any = new ArrayList<>();
      leaves(n, any);
      out.add(any);
    }
  }

  private static void leaves(Node n, List<Integer> out) {
    if (n.op() == 'v') {
      out.add(n.operand());
    } else {
      leaves(n.left(), out);
      leaves(n.right(), out);
    }
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
      Node left = primary();
      while (!unsupported && eat('&')) {
        left = new Node('&', -1, left, primary());
      }
      skip();
      if (at < s.length() && (s.charAt(at) == '<' || s.charAt(at) == '!')) {
        unsupported = true;
      }
      return left;
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
      at++;
      while (at < s.length()) {
        char ch = s.charAt(at++);
        if (ch == '\\' && at < s.length()) {
          lexeme.append(s.charAt(at++));
        } else if (ch == '\'') {
          if (at < s.length() && s.charAt(at) == '\'') {
            lexeme.append('\'');
            at++;
          } else {
            break;
          }
        } else {
          lexeme.append(ch);
        }
      }
      if (at < s.length() && s.charAt(at) == ':') {
        unsupported = true; // a prefix (:*) or weights
      }
      lexemes.add(lexeme.toString());
      return new Node('v', lexemes.size() - 1, null, null);
    }
  }
}
