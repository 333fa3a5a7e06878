package dev.echokit.server;

import dev.echokit.config.ListenerOptions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a config reload does to the running listeners, wanted listener by wanted listener: keep one that only
 * changes its instances or TLS settings, start a new one, or replace one that keeps its address but changes
 * its protocol or protocol settings; running listeners left over are drained.
 *
 * @param kept      for each wanted listener, the running one it keeps, else null
 * @param inPlace   for each wanted listener, the running one on the same address it replaces, else null
 * @param drained   running listeners the new config no longer has
 */
record ReloadPlan(List<RunningListener> kept, List<RunningListener> inPlace, List<RunningListener> drained) {

  static ReloadPlan of(List<RunningListener> running, List<ListenerOptions> wanted) {
    List<RunningListener> free = new ArrayList<>(running);
    RunningListener[] kept = new RunningListener[wanted.size()];
    RunningListener[] inPlace = new RunningListener[wanted.size()];
    for (int i = 0; i < wanted.size(); i++) {
      kept[i] = take(free, wanted.get(i), true);
    }
    for (int i = 0; i < wanted.size(); i++) {
      if (kept[i] == null) {
        inPlace[i] = take(free, wanted.get(i), false);
      }
    }
    return new ReloadPlan(Arrays.asList(kept), Arrays.asList(inPlace), List.copyOf(free));
  }

  /** Whether the wanted listener {@code index} needs a listener started: it keeps none. */
  boolean starts(int index) {
    return kept.get(index) == null;
  }

  /** The first of {@code free} that is the same listener as {@code wanted} (or only on its address), removed. */
  private static RunningListener take(List<RunningListener> free, ListenerOptions wanted, boolean same) {
    for (RunningListener r : free) {
      if (same ? sameListener(r.options, wanted) : sameAddress(r.options, wanted)) {
        free.remove(r);
        return r;
      }
    }
    return null;
  }

  /**
   * The same listener, perhaps with other instances or certificates, which change without a re-bind. Port 0
   * matches port 0: a listener on any free port keeps the one it got.
   */
  static boolean sameListener(ListenerOptions a, ListenerOptions b) {
    return a.protocol() == b.protocol() && a.host().equals(b.host()) && a.port() == b.port()
        && (a.tls() == null) == (b.tls() == null) && Objects.equals(a.udp(), b.udp())
        && Objects.equals(a.http(), b.http());
  }

  /**
   * Two listeners that cannot be bound side by side: one port (not 0), one host, both stream or both UDP.
   * Vert.x would even hand the new listener the old one's socket, so the old one must be gone first.
   */
  static boolean sameAddress(ListenerOptions a, ListenerOptions b) {
    return a.port() != 0 && a.port() == b.port() && a.host().equals(b.host())
        && a.protocol().stream() == b.protocol().stream();
  }
}
