package io.tributary.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One search document in memory: what a hit shows, and its weighted {@code tsvector} as lexemes with their
 * positions ({@code position << 2 | weight}, weight 3 for A down to 0 for D), parsed from PostgreSQL's text form
 * ({@code 'custom':1A 'email':2A,5C}).
 */
final class CatalogDoc {

  final String kind;
  final UUID id;
  final int ordinal;
  final UUID owner;
  final String name;
  final String parent;
  final String detail;
  /** In the tsvector's order (PostgreSQL sorts them), interned. */
  final String[] lexemes;
  final int[][] positions;
  /** Its place in its owner's partition. */
  int slot = -1;

  CatalogDoc(String kind, UUID id, int ordinal, UUID owner, String name, String parent, String detail, String tsv,
             Map<String, String> intern) {
    this.kind = kind.intern();
    this.id = id;
    this.ordinal = ordinal;
    this.owner = owner;
    this.name = intern.computeIfAbsent(name, k -> k);
    this.parent = parent == null ? null : intern.computeIfAbsent(parent, k -> k);
    this.detail = detail == null ? null : intern.computeIfAbsent(detail, k -> k);
    List<String> lex = new ArrayList<>();
    List<int[]> pos = new ArrayList<>();
    int i = 0;
    int n = tsv.length();
    StringBuilder b = new StringBuilder();
    while (i < n) {
      while (i < n && tsv.charAt(i) == ' ') {
        i++;
      }
      if (i >= n) {
        break;
      }
      b.setLength(0);
      i = TsQuery.quoted(tsv, i + 1, b); // past the opening quote
      lex.add(intern.computeIfAbsent(b.toString(), k -> k));
      List<Integer> at = new ArrayList<>();
      if (i < n && tsv.charAt(i) == ':') {
        i++;
        while (i < n && tsv.charAt(i) != ' ') {
          int p = 0;
          while (i < n && Character.isDigit(tsv.charAt(i))) {
            p = p * 10 + (tsv.charAt(i++) - '0');
          }
          int w = 0;
          if (i < n && tsv.charAt(i) >= 'A' && tsv.charAt(i) <= 'D') {
            w = 'D' - tsv.charAt(i++);
          }
          at.add(p << 2 | w);
          if (i < n && tsv.charAt(i) == ',') {
            i++;
          }
        }
      }
      pos.add(at.isEmpty() ? new int[] {0} : at.stream().mapToInt(Integer::intValue).toArray());
    }
    this.lexemes = lex.toArray(new String[0]);
    this.positions = pos.toArray(new int[0][]);
  }

  /** The index of {@code lexeme} (interned or not) in {@link #lexemes}, or -1. */
  int find(String lexeme) {
    for (int i = 0; i < lexemes.length; i++) {
      if (lexemes[i].equals(lexeme)) {
        return i;
      }
    }
    return -1;
  }

  /** {@code tsv @@ query}. */
  boolean matches(TsQuery q) {
    int[] at = new int[q.lexemes.size()];
    for (int i = 0; i < at.length; i++) {
      at[i] = find(q.lexemes.get(i));
    }
    return matches(q, at);
  }

  /**
   * {@code tsv @@ query}, where {@code words} are the catalog's instances of the query's lexemes (null: in no
   * document of this owner), so a lexeme is found by identity.
   */
  boolean matches(TsQuery q, String[] words) {
    int[] at = new int[words.length];
    for (int i = 0; i < at.length; i++) {
      at[i] = -1;
      for (int k = 0; words[i] != null && k < lexemes.length; k++) {
        if (lexemes[k] == words[i]) {
          at[i] = k;
          break;
        }
      }
    }
    return matches(q, at);
  }

  private boolean matches(TsQuery q, int[] at) {
    return q.matches(new TsQuery.Operands() {
      @Override
      public boolean has(int i) {
        return at[i] >= 0;
      }

      @Override
      public int[] positions(int i) {
        return positions[at[i]];
      }

      @Override
      public int shift() {
        return 2;
      }
    });
  }
}
