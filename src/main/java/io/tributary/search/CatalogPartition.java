package io.tributary.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The search documents of one owner in {@link Catalog}: slots in insertion order (a removed document leaves a hole),
 * a posting list of slots per lexeme and per pair of lexemes at adjacent positions, the slots of each distinct name,
 * and the distinct names of each trigram.
 */
final class CatalogPartition {

  /**
   * A growable list of ints; a posting list also holds its lexeme (the catalog's one instance of it) and that
   * lexeme's number in the partition.
   */
  static final class Ints {
    int[] a = new int[4];
    int n;
    String lexeme;
    int id;

    /** A list over these values (not copied). */
    static Ints of(int[] values) {
      Ints l = new Ints();
      l.a = values;
      l.n = values.length;
      return l;
    }

    void add(int v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    /** Adds v unless it is the last value already (a document's slot once). */
    void addOnce(int v) {
      if (n == 0 || a[n - 1] != v) {
        add(v);
      }
    }
  }

  /** An empty list, shared: never added to. */
  static final Ints NONE = Ints.of(new int[0]);

  final List<CatalogDoc> docs = new ArrayList<>();
  final Map<String, Ints> postings = new HashMap<>();
  /**
   * The slots of the documents with lexeme a at some position and lexeme b at the next one, by {@link #pair}: a
   * phrase of common words ({@code amount <-> 3}) is checked only in the documents where its words are adjacent.
   */
  private final Map<Long, Ints> pairs = new HashMap<>();
  final Map<String, Ints> byName = new HashMap<>();
  final List<String> names = new ArrayList<>();
  /** The trigrams of each distinct name, as word similarity reads them. */
  final List<Trigrams.Word> nameWords = new ArrayList<>();
  final Map<Integer, Ints> trigramNames = new HashMap<>();
  /** The live documents of a name by id and position, made when first asked and dropped when the name changes. */
  final Map<String, CatalogDoc[]> sortedByName = new HashMap<>();
  private int[] rank;
  private int[] byRank;
  int holes;

  void add(CatalogDoc d) {
    d.slot = docs.size();
    docs.add(d);
    int[] ids = new int[d.lexemes.length];
    for (int i = 0; i < ids.length; i++) {
      Ints posting = postings.computeIfAbsent(d.lexemes[i], k -> {
        Ints l = new Ints();
        l.lexeme = k;
        l.id = postings.size();
        return l;
      });
      posting.add(d.slot);
      ids[i] = posting.id;
    }
    addPairs(d, ids);
    Ints named = byName.get(d.name);
    if (named == null) {
      named = new Ints();
      byName.put(d.name, named);
      int nameId = names.size();
      names.add(d.name);
      Trigrams.Word word = new Trigrams.Word(d.name);
      nameWords.add(word);
      for (int t : word.uniq) { // the name's distinct trigrams, found once for both uses
        trigramNames.computeIfAbsent(t, k -> new Ints()).add(nameId);
      }
    }
    named.add(d.slot);
    sortedByName.remove(d.name);
  }

  /** Files the document under each pair of lexemes at adjacent positions (whatever their weights). */
  private void addPairs(CatalogDoc d, int[] ids) {
    int total = 0;
    for (int[] at : d.positions) {
      total += at.length;
    }
    long[] byPosition = new long[total];
    int k = 0;
    for (int i = 0; i < ids.length; i++) {
      for (int pw : d.positions[i]) {
        byPosition[k++] = (long) (pw >> 2) << 32 | ids[i];
      }
    }
    Arrays.sort(byPosition);
    for (int i = 0; i < total; i++) {
      long next = (byPosition[i] >>> 32) + 1;
      for (int j = i + 1; j < total && byPosition[j] >>> 32 <= next; j++) {
        if (byPosition[j] >>> 32 == next) {
          pairs.computeIfAbsent(pair((int) byPosition[i], (int) byPosition[j]), x -> new Ints()).addOnce(d.slot);
        }
      }
    }
  }

  private static long pair(int first, int second) {
    return (long) first << 32 | second & 0xFFFFFFFFL;
  }

  /** The slots, ascending, of the documents with {@code first} at some position and {@code second} at the next. */
  Ints adjacent(String first, String second) {
    Ints a = postings.get(first);
    Ints b = postings.get(second);
    Ints both = a == null || b == null ? null : pairs.get(pair(a.id, b.id));
    return both == null ? NONE : both;
  }

  /** Each name's place in name order (C collation), made when first asked after a new name. */
  int[] nameRank() {
    if (rank == null || rank.length != names.size()) {
      Integer[] ids = new Integer[names.size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = i;
      }
      Arrays.sort(ids, Comparator.comparing(names::get));
      rank = new int[ids.length];
      byRank = new int[ids.length];
      for (int r = 0; r < ids.length; r++) {
        rank[ids[r]] = r;
        byRank[r] = ids[r];
      }
    }
    return rank;
  }

  /** The name ids in name order. */
  int[] nameByRank() {
    nameRank();
    return byRank;
  }

  /** The live documents named {@code name}, by id and position. */
  CatalogDoc[] named(String name) {
    return sortedByName.computeIfAbsent(name, n -> {
      Ints slots = byName.get(n);
      List<CatalogDoc> live = new ArrayList<>();
      for (int i = 0; slots != null && i < slots.n; i++) {
        CatalogDoc d = docs.get(slots.a[i]);
        if (d != null) {
          live.add(d);
        }
      }
      live.sort(Catalog.DOC_ORDER);
      return live.toArray(new CatalogDoc[0]);
    });
  }
}
