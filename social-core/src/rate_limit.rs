//! Rate-limit state read from response headers, and an optional client-side
//! limiter for quotas the platform documents but does not announce.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use crate::time::Timer;

/// One rate-limit window as the platform reported it.
#[derive(Debug, Clone, PartialEq)]
pub struct RateLimit {
    scope: String,
    limit: Option<u64>,
    remaining: Option<u64>,
    reset_at: Option<SystemTime>,
    used_percent: Option<f64>,
}

impl RateLimit {
    /// Creates an empty window for `scope`, such as `"x-rate-limit"` or `"app"`.
    pub fn new(scope: impl Into<String>) -> RateLimit {
        RateLimit {
            scope: scope.into(),
            limit: None,
            remaining: None,
            reset_at: None,
            used_percent: None,
        }
    }

    /// Sets the number of calls the window allows.
    pub fn with_limit(mut self, limit: Option<u64>) -> Self {
        self.limit = limit;
        self
    }

    /// Sets the number of calls left in the window.
    pub fn with_remaining(mut self, remaining: Option<u64>) -> Self {
        self.remaining = remaining;
        self
    }

    /// Sets when the window resets.
    pub fn with_reset_at(mut self, reset_at: Option<SystemTime>) -> Self {
        self.reset_at = reset_at;
        self
    }

    /// Sets the share of the window used, in percent (Meta's usage headers).
    pub fn with_used_percent(mut self, used_percent: Option<f64>) -> Self {
        self.used_percent = used_percent;
        self
    }

    /// Returns the window's name.
    pub fn scope(&self) -> &str {
        &self.scope
    }

    /// Returns the number of calls the window allows.
    pub fn limit(&self) -> Option<u64> {
        self.limit
    }

    /// Returns the number of calls left.
    pub fn remaining(&self) -> Option<u64> {
        self.remaining
    }

    /// Returns when the window resets.
    pub fn reset_at(&self) -> Option<SystemTime> {
        self.reset_at
    }

    /// Returns the share of the window used, in percent.
    pub fn used_percent(&self) -> Option<f64> {
        self.used_percent
    }

    /// Tells whether the window has no calls left (or is at 100 % use).
    pub fn is_exhausted(&self) -> bool {
        self.remaining == Some(0) || self.used_percent.is_some_and(|p| p >= 100.0)
    }

    /// Returns the time until the window resets, measured from `now`.
    pub fn reset_in(&self, now: SystemTime) -> Option<Duration> {
        self.reset_at
            .map(|at| at.duration_since(now).unwrap_or(Duration::ZERO))
    }
}

/// Returns the wait until the latest reset among the exhausted windows, if
/// any window is exhausted. A 429 can come from a daily window while the
/// short window still has calls left, so every window counts.
pub fn wait_for_exhausted(limits: &[RateLimit], now: SystemTime) -> Option<Duration> {
    limits
        .iter()
        .filter(|l| l.is_exhausted())
        .filter_map(|l| l.reset_in(now))
        .max()
}

/// The last rate-limit state seen for each scope, shared by one client.
#[derive(Debug, Default, Clone)]
pub struct RateLimitState {
    windows: Arc<Mutex<HashMap<String, RateLimit>>>,
}

impl RateLimitState {
    /// Records the windows of a response, replacing older values of the same scope.
    pub fn update(&self, limits: &[RateLimit]) {
        if limits.is_empty() {
            return;
        }
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        for limit in limits {
            windows.insert(limit.scope.clone(), limit.clone());
        }
    }

    /// Returns the last window seen for `scope`.
    pub fn get(&self, scope: &str) -> Option<RateLimit> {
        let windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        windows.get(scope).cloned()
    }

    /// Returns every window seen so far, sorted by scope.
    pub fn snapshot(&self) -> Vec<RateLimit> {
        let windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let mut all: Vec<RateLimit> = windows.values().cloned().collect();
        all.sort_by(|a, b| a.scope.cmp(&b.scope));
        all
    }
}

/// A quota of `max` calls per `window`, kept on the client side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// Maximum calls in any window.
    pub max: u32,
    /// Length of the sliding window.
    pub window: Duration,
}

impl Quota {
    /// Creates a quota of `max` calls per `window`.
    pub fn new(max: u32, window: Duration) -> Quota {
        Quota { max, window }
    }
}

/// A sliding-window limiter that delays calls so a documented per-token
/// quota (TikTok's 6 init calls per minute, say) is never exceeded.
///
/// Each key (an operation name) has its own quota; keys without a quota are
/// not limited.
#[derive(Debug, Clone)]
pub struct QuotaLimiter {
    quotas: Arc<HashMap<String, Quota>>,
    history: Arc<tokio::sync::Mutex<HashMap<String, VecDeque<SystemTime>>>>,
    timer: Arc<dyn Timer>,
}

impl QuotaLimiter {
    /// Creates a limiter with a quota per key.
    pub fn new(quotas: impl IntoIterator<Item = (String, Quota)>, timer: Arc<dyn Timer>) -> Self {
        QuotaLimiter {
            quotas: Arc::new(quotas.into_iter().collect()),
            history: Arc::default(),
            timer,
        }
    }

    /// Returns the quota of `key`, if it has one.
    pub fn quota(&self, key: &str) -> Option<Quota> {
        self.quotas.get(key).copied()
    }

    /// Waits until a call under `key` fits its quota, then records it.
    /// Returns how long it waited.
    pub async fn acquire(&self, key: &str) -> Duration {
        let Some(quota) = self.quota(key) else {
            return Duration::ZERO;
        };
        if quota.max == 0 {
            return Duration::ZERO;
        }

        // The lock is held across the sleep on purpose: callers of the same
        // limiter queue up in order instead of racing for the next slot.
        let mut history = self.history.lock().await;
        let calls = history.entry(key.to_owned()).or_default();
        let mut waited = Duration::ZERO;
        loop {
            let now = self.timer.now();
            while calls
                .front()
                .is_some_and(|t| now.duration_since(*t).unwrap_or(Duration::ZERO) >= quota.window)
            {
                calls.pop_front();
            }
            if calls.len() < quota.max as usize {
                calls.push_back(now);
                return waited;
            }
            let oldest = calls.front().copied().unwrap_or(now);
            let age = now.duration_since(oldest).unwrap_or(Duration::ZERO);
            let delay = quota
                .window
                .saturating_sub(age)
                .max(Duration::from_millis(1));
            tracing::debug!(
                key,
                delay_ms = delay.as_millis() as u64,
                "client-side quota full, waiting"
            );
            self.timer.sleep(delay).await;
            waited += delay;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::ManualTimer;

    #[test]
    fn exhausted_window_gives_latest_reset() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let short = RateLimit::new("15min")
            .with_remaining(Some(3))
            .with_reset_at(Some(now + Duration::from_secs(60)));
        let daily = RateLimit::new("24h")
            .with_remaining(Some(0))
            .with_reset_at(Some(now + Duration::from_secs(3_600)));

        let wait = wait_for_exhausted(&[short, daily], now);

        assert_eq!(wait, Some(Duration::from_secs(3_600)));
    }

    #[test]
    fn reset_in_past_is_zero() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let limit = RateLimit::new("x").with_reset_at(Some(now - Duration::from_secs(5)));

        assert_eq!(limit.reset_in(now), Some(Duration::ZERO));
    }

    #[test]
    fn state_keeps_latest_per_scope() {
        let state = RateLimitState::default();
        state.update(&[RateLimit::new("a").with_remaining(Some(5))]);
        state.update(&[
            RateLimit::new("a").with_remaining(Some(4)),
            RateLimit::new("b"),
        ]);

        assert_eq!(state.get("a").and_then(|l| l.remaining()), Some(4));
        assert_eq!(state.snapshot().len(), 2);
    }

    #[tokio::test]
    async fn limiter_delays_call_over_quota() {
        let timer = Arc::new(ManualTimer::new());
        let limiter = QuotaLimiter::new(
            [("init".to_owned(), Quota::new(2, Duration::from_secs(60)))],
            timer.clone(),
        );

        let first = limiter.acquire("init").await;
        timer.advance(Duration::from_secs(10));
        let second = limiter.acquire("init").await;
        let third = limiter.acquire("init").await;
        let unlimited = limiter.acquire("other").await;

        assert_eq!(first, Duration::ZERO);
        assert_eq!(second, Duration::ZERO);
        assert_eq!(third, Duration::from_secs(50));
        assert_eq!(unlimited, Duration::ZERO);
    }
}
