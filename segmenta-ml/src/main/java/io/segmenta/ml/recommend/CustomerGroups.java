package io.segmenta.ml.recommend;

import io.segmenta.core.port.Interaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Interactions before the as-of grouped by customer, each customer's in order of time, then of product: a stable
 * counting sort into primitive arrays, so a million customers' histories stay cheap to build.
 */
final class CustomerGroups {
  final String[] customers;
  final int[] offsets;
  final int[] items;
  final long[] times;

  private CustomerGroups(String[] customers, int[] offsets, int[] items, long[] times) {
    this.customers = customers;
    this.offsets = offsets;
    this.items = items;
    this.times = times;
  }

  static CustomerGroups of(List<Interaction> list, Map<String, Integer> index, Instant asOf) {
    Map<String, Integer> ids = new HashMap<>();
    List<String> names = new ArrayList<>();
    int m = 0;
    int[] customerOf = new int[list.size()];
    long until = asOf.toEpochMilli();
    for (int x = 0; x < list.size(); x++) {
      Interaction i = list.get(x);
      if (i.at().toEpochMilli() >= until) {
        customerOf[x] = -1;
        continue;
      }
      Integer c = ids.get(i.profileId());
      if (c == null) {
        c = names.size();
        ids.put(i.profileId(), c);
        names.add(i.profileId());
      }
      customerOf[x] = c;
      m++;
    }
    int[] offsets = new int[names.size() + 1];
    for (int c : customerOf) {
      if (c >= 0) {
        offsets[c + 1]++;
      }
    }
    for (int c = 0; c < names.size(); c++) {
      offsets[c + 1] += offsets[c];
    }
    int[] fill = Arrays.copyOf(offsets, names.size());
    int[] items = new int[m];
    long[] times = new long[m];
    for (int x = 0; x < list.size(); x++) {
      int c = customerOf[x];
      if (c >= 0) {
        int at = fill[c]++;
        items[at] = index.get(list.get(x).productId());
        times[at] = list.get(x).at().toEpochMilli();
      }
    }
    // Each customer's slice in order of time, then product, whatever order the interactions came in.
    for (int c = 0; c < names.size(); c++) {
      int from = offsets[c];
      int len = offsets[c + 1] - from;
      if (len < 2) {
        continue;
      }
      if (len <= 32) {
        // Most customers have a handful of lines: sorted in place (equal pairs are identical, so order among
        // them cannot matter).
        for (int a = from + 1; a < from + len; a++) {
          long t = times[a];
          int item = items[a];
          int b = a - 1;
          while (b >= from && (times[b] > t || (times[b] == t && items[b] > item))) {
            times[b + 1] = times[b];
            items[b + 1] = items[b];
            b--;
          }
          times[b + 1] = t;
          items[b + 1] = item;
        }
        continue;
      }
      Integer[] order = new Integer[len];
      for (int k = 0; k < len; k++) {
        order[k] = from + k;
      }
      Arrays.sort(order, (x, y) -> times[x] != times[y] ? Long.compare(times[x], times[y]) : Integer.compare(items[x], items[y]));
      int[] it = new int[len];
      long[] tm = new long[len];
      for (int k = 0; k < len; k++) {
        it[k] = items[order[k]];
        tm[k] = times[order[k]];
      }
      System.arraycopy(it, 0, items, from, len);
      System.arraycopy(tm, 0, times, from, len);
    }
    return new CustomerGroups(names.toArray(new String[0]), offsets, items, times);
  }
}
