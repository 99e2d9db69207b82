package io.segmenta.core.destination;

import java.util.Arrays;

/**
 * The changes between two memberships given as fingerprint sets: which are new and which are gone.
 *
 * <p>Why a merge of sorted arrays: both sides are sets of 64-bit fingerprints, the kept side read from the store in
 * order; sorting the current side (a primitive sort, no boxing) and walking both once is O(n log n) with a small
 * constant and no hash table of a million boxed keys. The standard merge step of sort-merge joins (Knuth, TAOCP vol. 3,
 * 5.2.4).
 */
public final class Diff {
  /** Indexes into the current array of the adds, and the removed kept fingerprints. */
  public record Result(int[] adds, long[] removes) {}

  private Diff() {}

  /** {@code current} must be sorted ascending ({@link #sortedOrder} gives an order), {@code kept} ascending. */
  public static Result of(long[] current, int[] order, long[] kept) {
    // A merge of unsorted input does not fail: it reports spurious adds and removes, and a sync re-sends them. Checking
    // both orders costs one pass; a caller that broke the contract learns it here.
    for (int k = 1; k < kept.length; k++) {
      if (kept[k - 1] > kept[k]) {
        throw new IllegalArgumentException("kept fingerprints must ascend, but position " + k + " holds " + kept[k] + " after " + kept[k - 1]);
      }
    }
    for (int k = 1; k < order.length; k++) {
      if (current[order[k - 1]] > current[order[k]]) {
        throw new IllegalArgumentException("the order of the current fingerprints must ascend, but position " + k + " does not");
      }
    }
    int[] adds = new int[current.length];
    long[] removes = new long[kept.length];
    int na = 0;
    int nr = 0;
    int i = 0;
    int j = 0;
    while (i < order.length || j < kept.length) {
      if (j == kept.length || (i < order.length && current[order[i]] < kept[j])) {
        adds[na++] = order[i++];
      } else if (i == order.length || kept[j] < current[order[i]]) {
        removes[nr++] = kept[j++];
      } else {
        long v = kept[j];
        while (i < order.length && current[order[i]] == v) {
          i++;
        }
        j++;
      }
    }
    return new Result(Arrays.copyOf(adds, na), Arrays.copyOf(removes, nr));
  }

  /** The indexes of {@code fps} in ascending order of their values: a stable merge sort of indexes, no boxing. */
  public static int[] sortedOrder(long[] fps) {
    return indexSort(fps);
  }

  private static int[] indexSort(long[] keys) {
    int n = keys.length;
    int[] order = new int[n];
    for (int k = 0; k < n; k++) {
      order[k] = k;
    }
    int[] tmp = new int[n];
    mergeSort(keys, order, tmp, 0, n);
    return order;
  }

  private static void mergeSort(long[] keys, int[] a, int[] tmp, int from, int to) {
    if (to - from < 32) {
      for (int i = from + 1; i < to; i++) {
        int x = a[i];
        int j = i - 1;
        while (j >= from && keys[a[j]] > keys[x]) {
          a[j + 1] = a[j];
          j--;
        }
        a[j + 1] = x;
      }
      return;
    }
    int mid = (from + to) >>> 1;
    mergeSort(keys, a, tmp, from, mid);
    mergeSort(keys, a, tmp, mid, to);
    if (keys[a[mid - 1]] <= keys[a[mid]]) {
      return;
    }
    System.arraycopy(a, from, tmp, from, to - from);
    int i = from;
    int j = mid;
    for (int k = from; k < to; k++) {
      if (j >= to || (i < mid && keys[tmp[i]] <= keys[tmp[j]])) {
        a[k] = tmp[i++];
      } else {
        a[k] = tmp[j++];
      }
    }
  }
}
