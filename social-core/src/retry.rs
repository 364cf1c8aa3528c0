//! When to retry, and how long to wait first.
//!
//! [`RetryPolicy::decide`] is a pure function of the request's idempotency,
//! the attempt count, the time already spent waiting and the error. The
//! executor in [`crate::client`] supplies the random jitter and does the
//! sleeping, so tests check every decision without waiting.

use std::time::{Duration, SystemTime};

use http::HeaderMap;

use crate::error::{Delivery, Error, ErrorKind};

/// Whether repeating a request can cause a second effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Idempotency {
    /// Reads, deletes, status polls, chunk uploads into an existing session,
    /// upload-session creation: safe to repeat.
    Idempotent,
    /// Creates something visible (a post, a publish call): repeated only when
    /// the platform provably did not act on the first attempt.
    Creating,
}

/// Limits on retries. The defaults suit interactive calls: up to 5 attempts,
/// backoff from 500 ms doubling to at most 30 s, at most 2 minutes of total
/// waiting, and a `Retry-After` of at most 2 minutes honoured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_total_wait: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_total_wait: Duration::from_secs(120),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// The reason the executor retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryReason {
    /// The platform asked to slow down (429 or a rate-limit code).
    RateLimited,
    /// A 5xx or a platform-declared transient error on a safe request.
    ServerError,
    /// A connection failure on a safe request, or one that never sent anything.
    Transport,
}

/// The reason the executor stops and returns the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The error is permanent (4xx, bad input, auth).
    NotRetryable,
    /// The request creates something and may have been acted on.
    NotIdempotent,
    /// The attempt limit is reached.
    AttemptsExhausted,
    /// The platform asked for a longer wait than the policy allows.
    RetryAfterTooLong,
    /// Waiting again would pass the total wait budget.
    WaitBudgetExhausted,
}

/// The outcome of [`RetryPolicy::decide`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Wait `delay`, then send the request again.
    Retry {
        /// How long to wait.
        delay: Duration,
        /// Why.
        reason: RetryReason,
    },
    /// Return the error.
    Stop(StopReason),
}

impl RetryPolicy {
    /// Returns a policy that never retries.
    pub fn never() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Sets the maximum number of attempts, the first included (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the first backoff delay; each later one doubles, up to `max_delay`.
    pub fn with_base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// Sets the largest backoff delay.
    pub fn with_max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Sets the total time one call may spend waiting between attempts.
    pub fn with_max_total_wait(mut self, wait: Duration) -> Self {
        self.max_total_wait = wait;
        self
    }

    /// Sets the longest `Retry-After` (or rate-limit reset) the executor
    /// sleeps for; a longer one returns [`ErrorKind::RateLimited`] at once.
    pub fn with_max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// Returns the maximum number of attempts.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Returns the longest `Retry-After` honoured.
    pub fn max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// Returns the backoff ceiling for attempt `attempt` (1 for the first
    /// retry): `base_delay × 2^(attempt-1)`, capped at `max_delay`.
    pub fn backoff_ceiling(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(30);
        self.base_delay
            .saturating_mul(1u32 << exponent)
            .min(self.max_delay)
    }

    /// Decides what to do after attempt number `attempts_made` failed with
    /// `error`, having already waited `waited` in total.
    ///
    /// `jitter` is a number in `[0, 1)`: the delay is `jitter × ceiling`
    /// ("full jitter"), unless the platform named a wait, which wins.
    pub fn decide(
        &self,
        idempotency: Idempotency,
        attempts_made: u32,
        waited: Duration,
        error: &Error,
        jitter: f64,
    ) -> RetryDecision {
        let reason = match retry_reason(idempotency, error) {
            Ok(reason) => reason,
            Err(stop) => return RetryDecision::Stop(stop),
        };

        let hinted = error.retry_after();
        if let Some(hint) = hinted
            && hint > self.max_retry_after
        {
            return RetryDecision::Stop(StopReason::RetryAfterTooLong);
        }
        if attempts_made >= self.max_attempts {
            return RetryDecision::Stop(StopReason::AttemptsExhausted);
        }

        let jitter = jitter.clamp(0.0, 1.0);
        // A hint of zero (or a date in the past) still waits the base delay,
        // so a misbehaving server cannot make us send back-to-back requests.
        let delay = match hinted {
            Some(hint) => hint.max(self.base_delay),
            None => self.backoff_ceiling(attempts_made).mul_f64(jitter),
        };
        if waited + delay > self.max_total_wait {
            return RetryDecision::Stop(StopReason::WaitBudgetExhausted);
        }
        RetryDecision::Retry { delay, reason }
    }
}

fn retry_reason(idempotency: Idempotency, error: &Error) -> Result<RetryReason, StopReason> {
    let safe = idempotency == Idempotency::Idempotent;
    match error {
        Error::Transport(e) => match (e.delivery(), safe) {
            (Delivery::NotSent, _) | (Delivery::Unknown, true) => Ok(RetryReason::Transport),
            (Delivery::Unknown, false) => Err(StopReason::NotIdempotent),
        },
        Error::Api(_) | Error::UnexpectedResponse(_) => {
            if error.kind() == ErrorKind::RateLimited {
                if !error.is_retryable() {
                    return Err(StopReason::NotRetryable);
                }
                // A rate limit with a client-error status (a 429, or Graph's
                // throttle codes on a 400) means the request was turned away
                // unprocessed, so even a creating request may be sent again.
                // The same code on a 2xx or 5xx status proves nothing.
                let turned_away = error.status().is_some_and(|s| s.is_client_error());
                return if safe || turned_away {
                    Ok(RetryReason::RateLimited)
                } else {
                    Err(StopReason::NotIdempotent)
                };
            }
            if !error.is_retryable() {
                return Err(StopReason::NotRetryable);
            }
            if safe {
                Ok(RetryReason::ServerError)
            } else {
                Err(StopReason::NotIdempotent)
            }
        }
        _ => Err(StopReason::NotRetryable),
    }
}

/// Reads `Retry-After` as delta-seconds or as an HTTP date in any of the
/// three forms (IMF-fixdate, RFC 850, asctime).
///
/// A date is measured against the response's own `Date` header when there is
/// one, so a skewed local clock does not stretch or shrink the wait. Without
/// that header it is measured against `now`. A date in the past gives zero.
pub fn parse_retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let reference = headers
        .get(http::header::DATE)
        .and_then(|d| d.to_str().ok())
        .and_then(|d| httpdate::parse_http_date(d.trim()).ok())
        .unwrap_or(now);
    Some(at.duration_since(reference).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests;
