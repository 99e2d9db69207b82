package io.segmenta.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;

/**
 * Compares two engines' results: records component by component, lists and maps element by element, numbers to
 * 1e-9 relative (floating-point sums in another order differ in their last bits, never by a cent), everything
 * else exactly. The path in a failure names the component that differs.
 */
final class Close {
  static final double TOLERANCE = 1e-9;

  private Close() {}

  static void assertClose(Object expected, Object actual, String path) {
    if (expected == null || actual == null) {
      assertEquals(expected, actual, path);
    } else if (expected instanceof Double e && actual instanceof Double a) {
      if (e.isNaN() || a.isNaN() || e.isInfinite() || a.isInfinite()) {
        assertEquals(e, a, path);
      } else {
        assertTrue(Math.abs(e - a) <= TOLERANCE * Math.max(1, Math.abs(e)), path + ": expected " + e + " but was " + a);
      }
    } else if (expected instanceof Record r) {
      assertEquals(expected.getClass(), actual.getClass(), path);
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        try {
          assertClose(c.getAccessor().invoke(expected), c.getAccessor().invoke(actual), path + "." + c.getName());
        } catch (ReflectiveOperationException x) {
          fail(path + "." + c.getName() + ": " + x);
        }
      }
    } else if (expected instanceof List<?> e && actual instanceof List<?> a) {
      assertEquals(e.size(), a.size(), path + " size");
      for (int i = 0; i < e.size(); i++) {
        assertClose(e.get(i), a.get(i), path + "[" + i + "]");
      }
    } else if (expected instanceof Map<?, ?> e && actual instanceof Map<?, ?> a) {
      assertEquals(List.copyOf(e.keySet()), List.copyOf(a.keySet()), path + " keys");
      for (Object k : e.keySet()) {
        assertClose(e.get(k), a.get(k), path + "[" + k + "]");
      }
    } else if (expected instanceof long[][] e && actual instanceof long[][] a) {
      assertEquals(e.length, a.length, path);
      for (int i = 0; i < e.length; i++) {
        assertArrayEquals(e[i], a[i], path + "[" + i + "]");
      }
    } else if (expected instanceof double[][] e && actual instanceof double[][] a) {
      assertEquals(e.length, a.length, path);
      for (int i = 0; i < e.length; i++) {
        assertEquals(e[i].length, a[i].length, path + "[" + i + "]");
        for (int j = 0; j < e[i].length; j++) {
          assertClose(e[i][j], a[i][j], path + "[" + i + "][" + j + "]");
        }
      }
    } else {
      assertEquals(expected, actual, path);
    }
  }
}
