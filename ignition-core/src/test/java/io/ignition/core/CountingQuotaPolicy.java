package io.ignition.core;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link QuotaPolicy} that counts every call and refuses with {@code quota_exceeded} once a
 * configured number of connections or requests has been admitted; thread-safe.
 */
final class CountingQuotaPolicy implements QuotaPolicy {
  static final String REFUSAL_MESSAGE = "daily request limit reached";
  static final String CONNECTION_REFUSAL_MESSAGE = "connection limit reached";

  private final int connectionsAllowed;
  private final int requestsAllowed;
  private final AtomicInteger connectionAttempts = new AtomicInteger();
  private final AtomicInteger connectionsAdmitted = new AtomicInteger();
  private final AtomicInteger releases = new AtomicInteger();
  private final AtomicInteger requestsAdmitted = new AtomicInteger();

  private CountingQuotaPolicy(int connectionsAllowed, int requestsAllowed) {
    this.connectionsAllowed = connectionsAllowed;
    this.requestsAllowed = requestsAllowed;
  }

  /** Returns a policy that admits everything. */
  static CountingQuotaPolicy admittingAll() {
    return new CountingQuotaPolicy(Integer.MAX_VALUE, Integer.MAX_VALUE);
  }

  /** Returns a policy that admits that many requests, the connection's own request included. */
  static CountingQuotaPolicy admittingRequests(int requestsAllowed) {
    return new CountingQuotaPolicy(Integer.MAX_VALUE, requestsAllowed);
  }

  /** Returns a policy that refuses every connection. */
  static CountingQuotaPolicy refusingConnections() {
    return new CountingQuotaPolicy(0, Integer.MAX_VALUE);
  }

  @Override
  public Admission admitConnection(App app) {
    connectionAttempts.incrementAndGet();
    if (connectionsAdmitted.incrementAndGet() > connectionsAllowed) {
      connectionsAdmitted.decrementAndGet();
      return Admission.refuse("quota_exceeded", CONNECTION_REFUSAL_MESSAGE);
    }
    return Admission.admit();
  }

  @Override
  public void releaseConnection(App app) {
    releases.incrementAndGet();
  }

  @Override
  public Admission admitRequest(App app) {
    if (requestsAdmitted.incrementAndGet() > requestsAllowed) {
      requestsAdmitted.decrementAndGet();
      return Admission.refuse("quota_exceeded", REFUSAL_MESSAGE);
    }
    return Admission.admit();
  }

  @Override
  public Usage usage(App app) {
    return new Usage(requestsAdmitted.get(), Plan.UNLIMITED,
        connectionsAdmitted.get() - releases.get(), Instant.EPOCH);
  }

  int connectionAttempts() {
    return connectionAttempts.get();
  }

  int connectionsAdmitted() {
    return connectionsAdmitted.get();
  }

  int releases() {
    return releases.get();
  }

  int requestsAdmitted() {
    return requestsAdmitted.get();
  }
}
