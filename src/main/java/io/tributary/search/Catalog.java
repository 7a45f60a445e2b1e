package io.tributary.search;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The search documents in memory, by owner, answering {@link SearchRepository#SEARCH} the same way without
 * PostgreSQL: per owner, a posting list per lexeme and per pair of adjacent lexemes (document slots in insertion
 * order) and, for names, the documents of each distinct name and the distinct names of each trigram. A removed
 * document leaves a hole that searches skip; a partition with more holes than documents is rebuilt. Not thread-safe: {@link SearchIndex} confines it.
 */
final class Catalog {

  /** A candidate and its scores, as the SQL computes them (float4). */
  record Hit(CatalogDoc doc, boolean matched, float rank, float similarity) {
    float score() {
      return rank + similarity;
    }
  }

  /** PostgreSQL's uuid order: the bytes, unsigned. */
  static final Comparator<UUID> UUID_ORDER = Comparator.<UUID>comparingLong(u -> u.getMostSignificantBits() ^ Long.MIN_VALUE)
    .thenComparingLong(u -> u.getLeastSignificantBits() ^ Long.MIN_VALUE);
  /** Name (C collation: char order), id, position. */
  static final Comparator<CatalogDoc> DOC_ORDER = Comparator.<CatalogDoc, String>comparing(d -> d.name)
    .thenComparing(d -> d.id, UUID_ORDER).thenComparingInt(d -> d.ordinal);

  private final Map<UUID, CatalogPartition> partitions = new HashMap<>();
  private final Map<UUID, List<CatalogDoc>> byId = new HashMap<>();
  private int size;

  int size() {
    return size;
  }

  void add(CatalogDoc d) {
    partitions.computeIfAbsent(d.owner, k -> new CatalogPartition()).add(d);
    byId.computeIfAbsent(d.id, k -> new ArrayList<>(1)).add(d);
    size++;
  }

  /** Removes every document of this id (a dataset and its columns, a collection, a dashboard). */
  void remove(UUID id) {
    List<CatalogDoc> docs = byId.remove(id);
    if (docs == null) {
      return;
    }
    for (CatalogDoc d : docs) {
      CatalogPartition p = partitions.get(d.owner);
      p.docs.set(d.slot, null);
      p.sortedByName.remove(d.name);
      p.holes++;
      size--;
      if (p.holes > 1_000 && p.holes > p.docs.size() / 2) {
        CatalogPartition fresh = new CatalogPartition();
        p.docs.stream().filter(x -> x != null).forEach(fresh::add);
        partitions.put(d.owner, fresh);
      }
    }
  }

  /**
   * The keyword search of {@code user}: {@code shared} are the ids shared with them (through collections); q the
   * words as typed, tsq their {@code websearch_to_tsquery}.
   */
  JsonArray search(UUID user, Set<UUID> shared, String q, TsQuery tsq, String kind, int limit) {
    List<Visible> visible = new ArrayList<>();
    CatalogPartition own = partitions.get(user);
    if (own != null) {
      visible.add(new Visible(own, null));
    }
    Map<UUID, CatalogPartition> sharedParts = new HashMap<>();
    for (UUID id : shared) {
      List<CatalogDoc> docs = byId.get(id);
      if (docs != null && !docs.get(0).owner.equals(user)) {
        sharedParts.putIfAbsent(docs.get(0).owner, partitions.get(docs.get(0).owner));
      }
    }
    sharedParts.values().forEach(p -> visible.add(new Visible(p, shared)));

    Map<CatalogDoc, Boolean> candidates = new java.util.LinkedHashMap<>();
    if (!tsq.empty()) {
      text(visible, tsq, kind, candidates);
    }
    Trigrams.Query trigrams = new Trigrams.Query(q);
    Map<String, Float> similar = new HashMap<>();
    for (CatalogDoc d : named(visible, trigrams, kind, limit, similar)) {
      candidates.putIfAbsent(d, Boolean.FALSE);
    }
    List<Hit> hits = new ArrayList<>();
    for (Map.Entry<CatalogDoc, Boolean> c : candidates.entrySet()) {
      CatalogDoc d = c.getKey();
      // a full-text candidate matched when found; a name's document may match too
      boolean matched = c.getValue() || !tsq.empty() && d.matches(tsq);
      float similarity = similar.computeIfAbsent(d.name, n -> new Trigrams.Word(n).similarity(trigrams));
      if (matched || similarity >= SearchRepository.MIN_SIMILARITY) {
        hits.add(new Hit(d, matched, tsq.empty() ? 0f : CoverDensity.rank(d, tsq), similarity));
      }
    }
    hits.sort((a, b) -> {
      int byScore = Float.compare(b.score(), a.score());
      return byScore != 0 ? byScore : DOC_ORDER.compare(a.doc(), b.doc());
    });
    JsonArray out = new JsonArray();
    hits.stream().limit(limit).forEach(h -> out.add(toJson(h, user)));
    return out;
  }

  /** A name, how many of the query's trigrams it has, and its trigrams. */
  private record Bound(String name, int common, Trigrams.Word word) {
  }

  /**
   * The names of one partition with at least half the query's trigrams, by how many they have, then name (a sort
   * of longs over the partition's name order).
   */
  private static List<Bound> bounds(CatalogPartition p, Trigrams.Query trigrams) {
    int[] common = commonTrigrams(p, trigrams);
    int[] rank = p.nameRank();
    long[] keys = new long[common.length];
    int k = 0;
    for (int id = 0; id < common.length; id++) {
      if (common[id] > 0 && common[id] * 2 >= trigrams.length()) {
        keys[k++] = (long) (trigrams.length() - common[id]) << 32 | rank[id];
      }
    }
    Arrays.sort(keys, 0, k);
    int[] byRank = p.nameByRank();
    List<Bound> out = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      int id = byRank[(int) keys[i]];
      out.add(new Bound(p.names.get(id), common[id], p.nameWords.get(id)));
    }
    return out;
  }

  /** How many of the query's trigrams each name of the partition has, by name id. */
  private static int[] commonTrigrams(CatalogPartition p, Trigrams.Query trigrams) {
    int[] common = new int[p.names.size()];
    for (int t : trigrams.trigrams()) {
      CatalogPartition.Ints names = p.trigramNames.get(t);
      for (int i = 0; names != null && i < names.n; i++) {
        common[names.a[i]]++;
      }
    }
    return common;
  }

  /** A name near the query and its word similarity. */
  private record Near(String name, float similarity) {
  }

  /** By similarity, then name. */
  private static final Comparator<Near> BY_RANK = (a, b) -> {
    int bySimilarity = Float.compare(b.similarity(), a.similarity());
    return bySimilarity != 0 ? bySimilarity : a.name().compareTo(b.name());
  };

  /** A partition and the ids of it the caller may see (null: all, their own). */
  private record Visible(CatalogPartition part, Set<UUID> ids) {
    boolean sees(CatalogDoc d, String kind) {
      return d != null && (kind == null || d.kind.equals(kind)) && (ids == null || ids.contains(d.id));
    }
  }

  /** The first {@value SearchRepository#TEXT_CANDIDATES} visible full-text matches, own first. */
  private static void text(List<Visible> visible, TsQuery tsq, String kind, Map<CatalogDoc, Boolean> out) {
    int found = 0;
    List<List<Integer>> required = tsq.required();
    List<int[]> pairs = tsq.requiredPairs();
    for (Visible v : visible) {
      // every match has one operand of each required clause and the words of each required pair side by side: the
      // slots in every such posting list (joined as needed, shortest first), then the exact check (the query's
      // structure and phrase positions) on those
      CatalogPartition.Ints[] clauses = new CatalogPartition.Ints[required.size() + pairs.size()];
      for (int c = 0; c < clauses.length; c++) {
        clauses[c] = c < required.size() ? union(v.part(), tsq, required.get(c))
          : v.part().adjacent(tsq.lexemes.get(pairs.get(c - required.size())[0]),
            tsq.lexemes.get(pairs.get(c - required.size())[1]));
      }
      PostingJoin slots = new PostingJoin(clauses);
      // the partition's instances of the query's words: a document holds a word only as that instance
      String[] words = new String[tsq.lexemes.size()];
      for (int w = 0; w < words.length; w++) {
        CatalogPartition.Ints posting = v.part().postings.get(tsq.lexemes.get(w));
        words[w] = posting == null ? null : posting.lexeme;
      }
      for (int slot = slots.next(); slot >= 0; slot = slots.next()) {
        CatalogDoc d = v.part().docs.get(slot);
        if (v.sees(d, kind) && d.matches(tsq, words)) {
          out.put(d, Boolean.TRUE);
          if (++found >= SearchRepository.TEXT_CANDIDATES) {
            return;
          }
        }
      }
    }
  }

  /**
   * The slots, ascending and once each, of the documents with any of these operands: a posting list itself when
   * there is one operand (read only).
   */
  private static CatalogPartition.Ints union(CatalogPartition p, TsQuery tsq, List<Integer> operands) {
    if (operands.size() == 1) {
      CatalogPartition.Ints only = p.postings.get(tsq.lexemes.get(operands.get(0)));
      return only == null ? new CatalogPartition.Ints() : only;
    }
    int total = 0;
    for (int op : operands) {
      CatalogPartition.Ints l = p.postings.get(tsq.lexemes.get(op));
      total += l == null ? 0 : l.n;
    }
    int[] all = new int[total];
    int k = 0;
    for (int op : operands) {
      CatalogPartition.Ints l = p.postings.get(tsq.lexemes.get(op));
      if (l != null) {
        System.arraycopy(l.a, 0, all, k, l.n);
        k += l.n;
      }
    }
    return CatalogPartition.Ints.of(Arrays.stream(all).sorted().distinct().toArray());
  }

  /**
   * The first {@code limit} visible documents, by similarity, name, id and position, of the
   * {@value SearchRepository#NAME_CANDIDATES} names most similar to the query (at least
   * {@value SearchRepository#MIN_SIMILARITY} word similarity) that name a visible document.
   */
  private static List<CatalogDoc> named(List<Visible> visible, Trigrams.Query trigrams, String kind, int limit,
                                        Map<String, Float> similar) {
    // the names that may reach MIN_SIMILARITY: word similarity is at most the share of the query's trigrams a name has
    List<Bound> order = visible.size() == 1 ? bounds(visible.get(0).part(), trigrams) : new ArrayList<>();
    Map<String, Bound> bounds = new HashMap<>();
    for (Visible v : visible.size() == 1 ? List.<Visible>of() : visible) {
      int[] common = commonTrigrams(v.part(), trigrams);
      for (int id = 0; id < common.length; id++) {
        if (common[id] > 0 && common[id] * 2 >= trigrams.length()) {
          String name = v.part().names.get(id);
          bounds.putIfAbsent(name, new Bound(name, common[id], v.part().nameWords.get(id)));
        }
      }
    }
    // in order of that bound, then name: once the names known to rank above every name not computed yet have
    // enough documents, the rest cannot enter
    if (visible.size() > 1) {
      order.addAll(bounds.values());
      order.sort(Comparator.comparingInt(Bound::common).reversed().thenComparing(Bound::name));
    }
    List<Near> near = new ArrayList<>();
    Near best = null;
    for (int i = 0; i < order.size(); i++) {
      Bound b = order.get(i);
      float s = b.word().similarity(trigrams);
      similar.put(b.name(), s);
      if (s >= SearchRepository.MIN_SIMILARITY) {
        Near n = new Near(b.name(), s);
        near.add(n);
        best = best == null || BY_RANK.compare(n, best) < 0 ? n : best;
      }
      // every 16 names and where the bound drops: the best a name not computed yet can be is the next one's bound
      // (enough only when some name already ranks above that)
      if (i + 1 < order.size() && (i % 16 == 15 || order.get(i + 1).common() < b.common())) {
        Near next = new Near(order.get(i + 1).name(), (float) order.get(i + 1).common() / (float) trigrams.length());
        if (best == null || BY_RANK.compare(best, next) >= 0) {
          continue;
        }
        near.sort(BY_RANK);
        if (enough(near, next, visible, kind, limit)) {
          break;
        }
      }
    }
    near.sort(BY_RANK);
    // names by similarity then name, each name's documents by id and position: already the order wanted
    List<CatalogDoc> docs = new ArrayList<>();
    int names = 0;
    for (Near n : near) {
      List<CatalogDoc> ofName = new ArrayList<>();
      for (Visible v : visible) {
        for (CatalogDoc d : v.part().named(n.name())) {
          if (v.sees(d, kind)) {
            ofName.add(d);
            if (visible.size() == 1 && ofName.size() >= limit) {
              break;
            }
          }
        }
      }
      if (ofName.isEmpty()) {
        continue;
      }
      if (visible.size() > 1) {
        ofName.sort(DOC_ORDER);
      }
      docs.addAll(ofName.subList(0, Math.min(ofName.size(), limit - docs.size())));
      if (docs.size() >= limit || ++names >= SearchRepository.NAME_CANDIDATES) {
        break;
      }
    }
    return docs;
  }

  /**
   * Whether the names of {@code sorted} that rank above any name not computed yet ({@code next}: the best it can be)
   * have {@code limit} visible documents, or are {@value SearchRepository#NAME_CANDIDATES}.
   */
  private static boolean enough(List<Near> sorted, Near next, List<Visible> visible, String kind, int limit) {
    int docs = 0;
    int names = 0;
    for (Near n : sorted) {
      if (BY_RANK.compare(n, next) >= 0) {
        return false;
      }
      int before = docs;
      for (Visible v : visible) {
        for (CatalogDoc d : v.part().named(n.name())) {
          if (v.sees(d, kind) && ++docs >= limit) {
            return true;
          }
        }
      }
      if (docs > before && ++names >= SearchRepository.NAME_CANDIDATES) {
        return true;
      }
    }
    return false;
  }

  private static JsonObject toJson(Hit h, UUID user) {
    CatalogDoc d = h.doc();
    JsonObject item = new JsonObject().put("type", d.kind).put("name", d.name).put("shared", !d.owner.equals(user));
    if ("column".equals(d.kind)) {
      item.put("dataset_id", d.id.toString()).put("dataset_name", d.parent).put("column_type", d.detail)
        .put("position", d.ordinal);
    } else {
      item.put("id", d.id.toString());
    }
    return item.put("score", Math.round(((double) h.rank() + (double) h.similarity()) * 10_000) / 10_000.0);
  }
}
