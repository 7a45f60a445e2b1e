package io.tributary.search;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

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
          out = Arrays.copyOf(out, out.length * 2);
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
    return Arrays.copyOf(out, k);
  }

  /** The distinct trigrams of {@code s}. */
  static int[] distinct(String s) {
    return Arrays.stream(of(s)).distinct().toArray();
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

  /**
   * A query's distinct trigrams, for {@link Word#similarity}, with the similarities computed so far by the pattern
   * they depend on. One search's: not thread-safe.
   */
  static final class Query {
    private final int[] sorted;
    /** The trigrams by hash (open addressing, -1: empty). */
    private final int[] table;
    private final Map<Pattern, Float> memo = new HashMap<>();
    private boolean[] found = new boolean[64];
    private int[] lastpos = new int[64];

    Query(String q) {
      sorted = distinct(q);
      Arrays.sort(sorted);
      table = new int[Integer.highestOneBit(Math.max(1, sorted.length) * 2) * 2];
      Arrays.fill(table, -1);
      for (int t : sorted) {
        int i = slot(t);
        while (table[i] != -1) {
          i = (i + 1) & (table.length - 1);
        }
        table[i] = t;
      }
    }

    private int slot(int trigram) {
      return (trigram * 0x9E3779B9 >>> 16) & (table.length - 1);
    }

    int length() {
      return sorted.length;
    }

    /** The distinct trigrams, ascending (not to be changed). */
    int[] trigrams() {
      return sorted;
    }

    boolean has(int trigram) {
      for (int i = slot(trigram); table[i] != -1; i = (i + 1) & (table.length - 1)) {
        if (table[i] == trigram) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * What word similarity depends on: which distinct trigram is at each position of the word and which of those the
   * query has. Words of the same pattern (ds_1234_customers, ds_5678_customers for "customers") score the same.
   */
  private record Pattern(Word word, long found) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Pattern p && p.found == found
        && (p.word == word || p.word.hash == word.hash && Arrays.equals(p.word.indexes, word.indexes));
    }

    @Override
    public int hashCode() {
      return word.hash * 31 + Long.hashCode(found);
    }
  }

  /**
   * A word's trigrams as word similarity reads them, made once per name: its distinct trigrams in order of first
   * appearance, and which of them is at each position.
   */
  static final class Word {
    final int[] uniq;
    final int[] indexes;
    private final int hash;

    Word(String s) {
      int[] trg2 = of(s);
      int len2 = trg2.length;
      int[] u = new int[len2];
      int nuniq = 0;
      indexes = new int[len2];
      for (int i = 0; i < len2; i++) {
        int j = 0;
        while (j < nuniq && u[j] != trg2[i]) {
          j++;
        }
        if (j == nuniq) {
          u[nuniq++] = trg2[i];
        }
        indexes[i] = j;
      }
      uniq = Arrays.copyOf(u, nuniq);
      hash = Arrays.hashCode(indexes);
    }

    /** {@code word_similarity(query, word)}. */
    float similarity(Query query) {
      if (query.length() == 0 || indexes.length == 0) {
        return 0f;
      }
      if (query.found.length < uniq.length) {
        query.found = new boolean[uniq.length];
        query.lastpos = new int[uniq.length];
      }
      boolean[] found = query.found;
      long mask = 0;
      for (int j = 0; j < uniq.length; j++) {
        found[j] = query.has(uniq[j]);
        mask |= found[j] && j < 64 ? 1L << j : 0L;
      }
      if (uniq.length > 64) {
        return iterate(indexes, found, query.lastpos, query.length(), indexes.length, uniq.length);
      }
      Pattern key = new Pattern(this, mask);
      Float known = query.memo.get(key);
      if (known == null) {
        known = iterate(indexes, found, query.lastpos, query.length(), indexes.length, uniq.length);
        query.memo.put(key, known);
      }
      return known;
    }
  }

  /** pg_trgm's {@code iterate_word_similarity}, for plain (not strict) word similarity. */
  private static float iterate(int[] trg2indexes, boolean[] found, int[] lastpos, int ulen1, int len2, int len) {
    Arrays.fill(lastpos, 0, len, -1);
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
