package io.tributary.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The search documents of one owner in {@link Catalog}: slots in insertion order (a removed document leaves a hole),
 * a posting list of slots per lexeme, the slots of each distinct name, and the distinct names of each trigram.
 */
final class CatalogPartition {

  /** A growable list of ints; a posting list also holds its lexeme (the catalog's one instance of it). */
  static final class Ints {
    int[] a = new int[4];
    int n;
    String lexeme;

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
  }

  final List<CatalogDoc> docs = new ArrayList<>();
  final Map<String, Ints> postings = new HashMap<>();
  final Map<String, Ints> byName = new HashMap<>();
  final List<String> names = new ArrayList<>();
  /** The trigrams of each distinct name, in order ({@link Trigrams#of}). */
  final List<int[]> nameTrigrams = new ArrayList<>();
  final Map<Integer, Ints> trigramNames = new HashMap<>();
  /** The live documents of a name by id and position, made when first asked and dropped when the name changes. */
  final Map<String, CatalogDoc[]> sortedByName = new HashMap<>();
  private int[] rank;
  private int[] byRank;
  int holes;

  void add(CatalogDoc d) {
    d.slot = docs.size();
    docs.add(d);
    for (String lexeme : d.lexemes) {
      postings.computeIfAbsent(lexeme, k -> {
        Ints l = new Ints();
        l.lexeme = k;
        return l;
      }).add(d.slot);
    }
    Ints named = byName.get(d.name);
    if (named == null) {
      named = new Ints();
      byName.put(d.name, named);
      int nameId = names.size();
      names.add(d.name);
      nameTrigrams.add(Trigrams.of(d.name));
      for (int t : Trigrams.distinct(d.name)) {
        trigramNames.computeIfAbsent(t, k -> new Ints()).add(nameId);
      }
    }
    named.add(d.slot);
    sortedByName.remove(d.name);
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
