package io.tributary.search;

import java.util.Arrays;

/**
 * PostgreSQL's {@code ts_rank_cd(tsv, query)} (default weights {0.1, 0.2, 0.4, 1.0}, no normalization) in Java,
 * ported from {@code tsrank.c} (PostgreSQL 15, {@code calc_rank_cd} and {@code Cover}), as a float4: the covers of
 * the query in the document, each worth its length over the sum of its positions' inverse weights, divided by one
 * plus the words in it that are not the query's.
 */
final class CoverDensity {

  /** 1 / weight, by weight (D, C, B, A), from float4 weights as PostgreSQL computes them. */
  private static final double[] INV = {1.0 / (double) 0.1f, 1.0 / (double) 0.2f, 1.0 / (double) 0.4f, 1.0 / (double) 1.0f};

  private CoverDensity() {
  }

  static float rank(CatalogDoc doc, TsQuery q) {
    int nops = q.lexemes.size();
    if (nops == 0) {
      return 0f;
    }
    // get_docrep: every position of every operand's lexeme, sorted by position, weight and lexeme; one entry per
    // position and lexeme with the operands it satisfies
    int total = 0;
    int[] lexOf = new int[nops];
    for (int i = 0; i < nops; i++) {
      lexOf[i] = doc.find(q.lexemes.get(i));
      if (lexOf[i] >= 0) {
        total += doc.positions[lexOf[i]].length;
      }
    }
    if (total == 0) {
      return 0f;
    }
    long[] raw = new long[total];
    int k = 0;
    for (int i = 0; i < nops; i++) {
      if (lexOf[i] < 0) {
        continue;
      }
      for (int pw : doc.positions[lexOf[i]]) {
        // position, weight, lexeme, operand: the sort order of compareDocR, then the operand
        raw[k++] = (long) (pw >> 2) << 40 | (long) (pw & 3) << 38 | (long) lexOf[i] << 16 | i;
      }
    }
    Arrays.sort(raw);
    int[] pos = new int[total];
    int[] weight = new int[total];
    boolean[][] ops = new boolean[total][];
    int len = 0;
    long prevKey = -1;
    for (long r : raw) {
      long key = r >>> 16;
      if (key != prevKey) {
        pos[len] = (int) (r >>> 40);
        weight[len] = (int) (r >>> 38 & 3);
        ops[len] = new boolean[nops];
        len++;
        prevKey = key;
      }
      ops[len - 1][(int) (r & 0xFFFF)] = true;
    }
    double wdoc = 0;
    int extPos = 0;
    Window present = new Window(nops, len);
    while (true) {
      // Cover: the first position from extPos at which the query holds (upper bound), then back to the lower bound
      present.reset(false);
      int p = Integer.MAX_VALUE;
      int qq = 0;
      int begin = -1;
      int end = -1;
      int lastpos = extPos;
      boolean found = false;
      for (int ptr = extPos; ptr < len; ptr++) {
        present.fill(ops[ptr], pos[ptr]);
        if (q.matches(present)) {
          if (pos[ptr] > qq) {
            qq = pos[ptr];
            end = ptr;
            lastpos = ptr;
            found = true;
          }
          break;
        }
      }
      if (!found) {
        break;
      }
      present.reset(true);
      int ptr = lastpos;
      for (; ptr >= extPos; ptr--) {
        present.fill(ops[ptr], pos[ptr]);
        if (q.matches(present)) {
          if (pos[ptr] < p) {
            begin = ptr;
            p = pos[ptr];
          }
          break;
        }
      }
      if (p > qq) {
        extPos++;
        continue;
      }
      extPos = ptr + 1;
      double invSum = 0;
      for (int e = begin; e <= end; e++) {
        invSum += INV[weight[e]];
      }
      double cpos = (end - begin + 1) / invSum;
      int noise = (qq - p) - (end - begin);
      if (noise < 0) {
        noise = (end - begin) / 2;
      }
      wdoc += cpos / (1 + noise);
    }
    return (float) wdoc;
  }

  /**
   * The operands seen in the window scanned so far, with their positions ascending ({@code QueryRepresentation}
   * filled by {@code fillQueryRepresentationData}: scanning right to left inserts in reverse).
   */
  private static final class Window implements TsQuery.Operands {
    private final int[][] at;
    private final int[] n;
    private final int cap;
    private boolean reverse;

    Window(int nops, int len) {
      at = new int[nops][len];
      n = new int[nops];
      cap = len;
    }

    void reset(boolean reverseInsert) {
      Arrays.fill(n, 0);
      reverse = reverseInsert;
    }

    void fill(boolean[] ops, int position) {
      for (int i = 0; i < ops.length; i++) {
        if (!ops[i]) {
          continue;
        }
        int[] a = at[i];
        if (reverse) {
          if (n[i] == 0 || a[cap - n[i]] != position) {
            a[cap - 1 - n[i]++] = position;
          }
        } else if (n[i] == 0 || a[n[i] - 1] != position) {
          a[n[i]++] = position;
        }
      }
    }

    @Override
    public boolean has(int i) {
      return n[i] > 0;
    }

    @Override
    public int[] positions(int i) {
      return reverse ? Arrays.copyOfRange(at[i], cap - n[i], cap) : Arrays.copyOf(at[i], n[i]);
    }
  }
}
