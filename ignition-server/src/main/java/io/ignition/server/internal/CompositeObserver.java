package io.ignition.server.internal;

import io.ignition.core.App;
import io.ignition.core.HubObserver;
import io.ignition.core.Plan;

/**
 * Passes every call to two observers, first then second: the server's metrics and an observer of
 * the embedder's. Thread-safe when both are.
 */
final class CompositeObserver implements HubObserver {
  private final HubObserver first;
  private final HubObserver second;

  /** Creates an observer that calls {@code first}, then {@code second}. */
  CompositeObserver(HubObserver first, HubObserver second) {
    this.first = first;
    this.second = second;
  }

  @Override
  public void connectionOpened(App app, Plan plan) {
    first.connectionOpened(app, plan);
    second.connectionOpened(app, plan);
  }

  @Override
  public void connectionRefused(String reason) {
    first.connectionRefused(reason);
    second.connectionRefused(reason);
  }

  @Override
  public void connectionClosed(App app, Plan plan) {
    first.connectionClosed(app, plan);
    second.connectionClosed(app, plan);
  }

  @Override
  public void operation(String op) {
    first.operation(op);
    second.operation(op);
  }

  @Override
  public void published(App app, int deliveries) {
    first.published(app, deliveries);
    second.published(app, deliveries);
  }

  @Override
  public void deliveredFromCluster(int deliveries) {
    first.deliveredFromCluster(deliveries);
    second.deliveredFromCluster(deliveries);
  }

  @Override
  public void requestRefused(App app, String code) {
    first.requestRefused(app, code);
    second.requestRefused(app, code);
  }
}
