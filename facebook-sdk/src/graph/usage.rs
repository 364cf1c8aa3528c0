//! Graph usage headers read into [`RateLimit`]s.
//!
//! - `X-App-Usage` and `X-Page-Usage` hold whole-number percentages of an
//!   hourly allowance: `{"call_count":28,"total_time":25,"total_cputime":25}`.
//!   They become the scopes `app` and `page`.
//! - `X-Business-Use-Case-Usage` maps a business object id (a Page id, an
//!   ad account) to an array of usage objects, each with a `type` and an
//!   `estimated_time_to_regain_access` in **minutes** (0 when not blocked).
//!   Each object becomes the scope `business:<id>:<type>`, with `reset_at`
//!   set when access is blocked.
//!
//! The used share of a window is the largest of its percentages. Malformed
//! headers are skipped, never fatal.

use std::time::{Duration, SystemTime};

use http::HeaderMap;
use serde_json::Value;
use social_core::RateLimit;

/// The header with the app's usage.
pub const APP_USAGE: &str = "x-app-usage";
/// The legacy per-Page usage header.
pub const PAGE_USAGE: &str = "x-page-usage";
/// The Business Use Case usage header.
pub const BUSINESS_USAGE: &str = "x-business-use-case-usage";

/// Reads every usage window in `headers`.
pub fn rate_limits(headers: &HeaderMap, now: SystemTime) -> Vec<RateLimit> {
    let mut limits = Vec::new();
    if let Some(usage) = header_json(headers, APP_USAGE) {
        limits.push(flat_usage("app", &usage));
    }
    if let Some(usage) = header_json(headers, PAGE_USAGE) {
        limits.push(flat_usage("page", &usage));
    }
    if let Some(Value::Object(objects)) = header_json(headers, BUSINESS_USAGE) {
        for (object_id, entries) in &objects {
            limits.extend(business_usage(object_id, entries, now));
        }
    }
    limits
}

/// Returns the longest `estimated_time_to_regain_access` in the
/// `X-Business-Use-Case-Usage` header, converted from minutes, when any
/// entry reports a block.
pub fn regain_access_wait(headers: &HeaderMap) -> Option<Duration> {
    let Some(Value::Object(objects)) = header_json(headers, BUSINESS_USAGE) else {
        return None;
    };
    objects
        .values()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(regain_minutes)
        .filter(|minutes| *minutes > 0)
        .max()
        .map(|minutes| Duration::from_secs(minutes.saturating_mul(60)))
}

fn header_json(headers: &HeaderMap, name: &str) -> Option<Value> {
    let text = headers.get(name)?.to_str().ok()?;
    serde_json::from_str(text).ok()
}

fn flat_usage(scope: &str, usage: &Value) -> RateLimit {
    RateLimit::new(scope).with_used_percent(max_percent(usage))
}

fn business_usage(object_id: &str, entries: &Value, now: SystemTime) -> Vec<RateLimit> {
    let Some(entries) = entries.as_array() else {
        return Vec::new();
    };
    entries
        .iter()
        .map(|entry| {
            let kind = entry
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or("unknown");
            // A wait too long for `SystemTime` leaves the reset time unknown
            // instead of overflowing.
            let reset_at = regain_minutes(entry)
                .filter(|minutes| *minutes > 0)
                .and_then(|minutes| {
                    now.checked_add(Duration::from_secs(minutes.saturating_mul(60)))
                });
            RateLimit::new(format!("business:{object_id}:{kind}"))
                .with_used_percent(max_percent(entry))
                .with_reset_at(reset_at)
        })
        .collect()
}

fn regain_minutes(entry: &Value) -> Option<u64> {
    let value = entry.get("estimated_time_to_regain_access")?;
    value
        .as_u64()
        .or_else(|| {
            value
                .as_f64()
                .filter(|m| *m >= 0.0)
                .map(|m| m.ceil() as u64)
        })
        .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
}

fn max_percent(usage: &Value) -> Option<f64> {
    ["call_count", "total_time", "total_cputime"]
        .iter()
        .filter_map(|key| usage.get(*key).and_then(Value::as_f64))
        .reduce(f64::max)
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).expect("header value"));
        }
        map
    }

    #[test]
    fn app_and_page_usage_read_as_percent() {
        let now = SystemTime::UNIX_EPOCH;
        let map = headers(&[
            (
                APP_USAGE,
                r#"{"call_count":28,"total_time":25,"total_cputime":31}"#,
            ),
            (
                PAGE_USAGE,
                r#"{"call_count":85,"total_cputime":56,"total_time":60}"#,
            ),
        ]);

        let limits = rate_limits(&map, now);

        assert_eq!(limits.len(), 2);
        assert_eq!(limits[0].scope(), "app");
        assert_eq!(limits[0].used_percent(), Some(31.0));
        assert_eq!(limits[1].scope(), "page");
        assert_eq!(limits[1].used_percent(), Some(85.0));
    }

    #[test]
    fn business_usage_minutes_become_reset_time() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let map = headers(&[(
            BUSINESS_USAGE,
            concat!(
                r#"{"111":[{"type":"pages","call_count":100,"total_cputime":23,"#,
                r#""total_time":23,"estimated_time_to_regain_access":2}],"#,
                r#""act_9":[{"type":"ads_management","call_count":95,"#,
                r#""estimated_time_to_regain_access":0}]}"#
            ),
        )]);

        let limits = rate_limits(&map, now);
        let page = limits
            .iter()
            .find(|l| l.scope() == "business:111:pages")
            .expect("page scope");
        let ads = limits
            .iter()
            .find(|l| l.scope() == "business:act_9:ads_management")
            .expect("ads");

        assert_eq!(page.reset_in(now), Some(Duration::from_secs(120)));
        assert!(page.is_exhausted());
        assert_eq!(ads.reset_at(), None);
        assert_eq!(regain_access_wait(&map), Some(Duration::from_secs(120)));
    }

    #[test]
    fn malformed_headers_skipped() {
        let map = headers(&[(APP_USAGE, "not json"), (BUSINESS_USAGE, r#"{"1":"x"}"#)]);

        assert!(rate_limits(&map, SystemTime::UNIX_EPOCH).is_empty());
        assert_eq!(regain_access_wait(&map), None);
    }

    #[test]
    fn huge_regain_time_has_no_reset_time() {
        for minutes in ["18446744073709551615", "1e300", "\"307445734561825861\""] {
            let value = format!(
                r#"{{"111":[{{"type":"pages","call_count":100,"estimated_time_to_regain_access":{minutes}}}]}}"#
            );
            let map = headers(&[(BUSINESS_USAGE, value.as_str())]);

            let limits = rate_limits(&map, SystemTime::now());

            assert_eq!(limits.len(), 1, "{minutes}");
            assert_eq!(limits[0].reset_at(), None, "{minutes}");
            assert!(limits[0].is_exhausted(), "{minutes}");
            assert_eq!(
                regain_access_wait(&map),
                Some(Duration::from_secs(u64::MAX)),
                "{minutes}"
            );
        }
    }
}
