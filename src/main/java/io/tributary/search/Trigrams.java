package io.tributary.search;

/**
 * pg_trgm's {@code word_similarity(a, b)} in Java, ported from {@code trgm_op.c} (PostgreSQL 15): the greatest
 * similarity between the trigram set of {@code a} and the trigrams of any contiguous extent of {@code b}, as a
 * float4. Trigrams as pg_trgm makes them under the C ctype (the embedded PostgreSQL's): words are runs of ASCII
 * letters and digits, folded to lower case, padded with two blanks in front and one behind.
 */
final class Trigrams {

  private Trigrams() {
  }

  /**
   * The trigrams of {@code s} in order, repeats kept (pg_trgm's {@code generate_trgm_only}), each coded in an int:
   * 6 bits a character (blank, a-z, 0-9).
   */
  static int[] of(String s) {
    int[] out = new int[8];
    int k = 0;
    int i = 0;
    int n = s.length();
    while (i < n) {
      while (i < n && code(s.charAt(i)) < 0) {
        i++;
      }
      if (i >= n) {
        break;
      }
      int prev2 = 0;
      int prev1 = 0;
      while (true) {
        int c = i < n ? code(s.charAt(i)) : -1;
        int cur = c < 0 ? 0 : c;
        if (k + 2 >= out.length) {
          out = java.util.Arrays.copyOf(out, out.length * 2);
        }
        out[k++] = prev2 << 12 | prev1 << 6 | cur;
        prev2 = prev1;
        prev1 = cur;
        if (c < 0) {
          break;
        }
        i++;
      }
    }
    return java.util.Arrays.copyOf(out, k);
  }

  /** The distinct trigrams of {@code s}. */
  static int[] distinct(String s) {
    return java.util.Arrays.stream(of(s)).distinct().toArray();
  }

  /** 2.. for a-z and 0-9 (lower case; 0 is the blank padding), -1 for what is not a word character. */
  private static int code(char c) {
    if (c >= 'a' && c <= 'z') {
      return 2 + c - 'a';
    }
    if (c >= 'A' && c <= 'Z') {
      return 2 + c - 'A';
    }
    if (c >= '0' && c <= '9') {
      return 28 + c - '0';
    }
    return -1;
  }

  /** {@code word_similarity(query, word)}: the query's distinct trigrams ({@link #distinct}), the word's ({@link #of}). */
  static float wordSimilarity(int[] query, int[] trg2) {
    int len2 = trg2.length;
    if (query.length == 0 || len2 == 0) {
      return 0f;
    }
    // number the distinct trigrams of the word; found: present in the query
    int[] uniq = new int[len2];
    int nuniq = 0;
    int[] trg2indexes = new int[len2];
    for (int i = 0; i < len2; i++) {
      int j = 0;
      while (j < nuniq && uniq[j] != trg2[i]) {
        j++;
      }
      if (j == nuniq) {
        uniq[nuniq++] = trg2[i];
      }
      trg2indexes[i] = j;
    }
    boolean[] found = new boolean[nuniq];
    for (int j = 0; j < nuniq; j++) {
      for (int t : query) {
        if (t == uniq[j]) {
          found[j] = true;
          break;
        }
      }
    }
    return iterate(trg2indexes, found, query.length, len2, nuniq);
  }

  /** pg_trgm's {@code iterate_word_similarity}, for plain (not strict) word similarity. */
  private static float iterate(int[] trg2indexes, boolean[] found, int ulen1, int len2, int len) {
    int[] lastpos = new int[len];
    java.util.Arrays.fill(lastpos, -1);
    int ulen2 = 0;
    int count = 0;
    int upper;
    int lower = -1;
    float smlrMax = 0f;
    for (int i = 0; i < len2; i++) {
      int trgindex = trg2indexes[i];
      if (lower >= 0 || found[trgindex]) {
        if (lastpos[trgindex] < 0) {
          ulen2++;
          if (found[trgindex]) {
            count++;
          }
        }
        lastpos[trgindex] = i;
      }
      if (found[trgindex]) {
        upper = i;
        if (lower == -1) {
          lower = i;
          ulen2 = 1;
        }
        float smlrCur = sml(count, ulen1, ulen2);
        int tmpCount = count;
        int tmpUlen2 = ulen2;
        int prevLower = lower;
        for (int tmpLower = lower; tmpLower <= upper; tmpLower++) {
          if (found[trg2indexes[tmpLower]]) {
            float smlrTmp = sml(tmpCount, ulen1, tmpUlen2);
            if (smlrTmp > smlrCur) {
              smlrCur = smlrTmp;
              ulen2 = tmpUlen2;
              lower = tmpLower;
              count = tmpCount;
            }
          }
          int tmpTrgindex = trg2indexes[tmpLower];
          if (lastpos[tmpTrgindex] == tmpLower) {
            tmpUlen2--;
            if (found[tmpTrgindex]) {
              tmpCount--;
            }
          }
        }
        smlrMax = Math.max(smlrMax, smlrCur);
        for (int tmpLower = prevLower; tmpLower < lower; tmpLower++) {
          int tmpTrgindex = trg2indexes[tmpLower];
          if (lastpos[tmpTrgindex] == tmpLower) {
            lastpos[tmpTrgindex] = -1;
          }
        }
      }
    }
    return smlrMax;
  }

  private static float sml(int count, int len1, int len2) {
    return (float) count / (float) (len1 + len2 - count);
  }
}
