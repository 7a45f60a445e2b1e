package io.tributary.search;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The slots in every one of some ascending posting lists, ascending, found as they are asked for: a search that
 * stops after its first {@value SearchRepository#TEXT_CANDIDATES} matches reads no further. Each slot of the shortest
 * list is looked for in the others by a galloping search from where the last one was found.
 */
final class PostingJoin {

  private final CatalogPartition.Ints[] lists;
  private final int[] at;

  /** Over these lists (reordered here, shortest first). */
  PostingJoin(CatalogPartition.Ints[] lists) {
    Arrays.sort(lists, Comparator.comparingInt(l -> l.n));
    this.lists = lists;
    this.at = new int[lists.length];
  }

  /** The next slot in every list, or -1: none left. */
  int next() {
    CatalogPartition.Ints first = lists[0];
    candidates:
    while (at[0] < first.n) {
      int slot = first.a[at[0]++];
      for (int c = 1; c < lists.length; c++) {
        int found = seek(lists[c], at[c], slot);
        at[c] = found;
        if (found >= lists[c].n) {
          at[0] = first.n;
          return -1;
        }
        if (lists[c].a[found] != slot) {
          continue candidates;
        }
      }
      return slot;
    }
    return -1;
  }

  /** The first index from {@code from} whose value is at least {@code slot} ({@code l.n}: none). */
  private static int seek(CatalogPartition.Ints l, int from, int slot) {
    int lo = from;
    int step = 1;
    int hi = from;
    while (hi < l.n && l.a[hi] < slot) {
      lo = hi + 1;
      hi += step;
      step <<= 1;
    }
    int found = Arrays.binarySearch(l.a, lo, Math.min(hi + 1, l.n), slot);
    return found >= 0 ? found : -found - 1;
  }
}
