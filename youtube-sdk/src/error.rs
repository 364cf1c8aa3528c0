//! YouTube's error body, classified by `errors[0].reason`.
//!
//! Google wraps every API error as
//! `{"error":{"code":403,"message":"…","errors":[{"domain":"…","reason":"…","message":"…"}]}}`.
//! The HTTP status alone is ambiguous (a 403 may be a spent quota, a rate
//! limit or a missing permission; a 400 may be the channel's upload limit),
//! so the kind comes from the reason. The message may hold HTML (an `<a>`
//! link to the quota docs); it is reduced to text before it reaches
//! `Display`.

use std::time::{Duration, SystemTime};

use social_core::http::{HeaderMap, StatusCode};
use social_core::{ApiError, ApiProtocol, ErrorKind, Platform};

/// The [`ApiProtocol`] of the YouTube Data API.
#[derive(Debug, Clone, Copy, Default)]
pub struct YouTubeProtocol;

impl ApiProtocol for YouTubeProtocol {
    fn platform(&self) -> Platform {
        Platform::YouTube
    }

    fn parse_error(
        &self,
        status: StatusCode,
        _headers: &HeaderMap,
        body: &serde_json::Value,
    ) -> Option<ApiError> {
        let error = body.get("error")?;
        if !error.is_object() {
            // The OAuth token endpoint's `{"error":"invalid_grant"}` shape
            // is read by the auth module, not here.
            return None;
        }
        Some(api_error(status, error, body))
    }
}

/// The parts of `error.errors[0]` and `error` the classification needs.
struct Parsed<'a> {
    reason: Option<&'a str>,
    domain: Option<&'a str>,
    message: Option<&'a str>,
}

fn text<'a>(value: Option<&'a serde_json::Value>, key: &str) -> Option<&'a str> {
    value.and_then(|v| v.get(key)).and_then(|v| v.as_str())
}

fn parse(error: &serde_json::Value) -> Parsed<'_> {
    let first = error.get("errors").and_then(|e| e.get(0));
    Parsed {
        reason: text(first, "reason"),
        domain: text(first, "domain"),
        message: text(Some(error), "message").or_else(|| text(first, "message")),
    }
}

fn api_error(status: StatusCode, error: &serde_json::Value, body: &serde_json::Value) -> ApiError {
    let parsed = parse(error);
    let class = classify_reason(status, parsed.reason);
    let mut message = strip_html(parsed.message.unwrap_or_default());
    if message.is_empty() {
        message = format!("HTTP {}", status.as_u16());
    }
    if let Some(hint) = class.hint {
        message.push_str(hint);
    }

    let mut api = ApiError::new(Platform::YouTube, class.kind, message)
        .with_status(status)
        .with_body(body.clone());
    if let Some(reason) = parsed.reason {
        api = api.with_code(reason);
    }
    if let Some(domain) = parsed.domain {
        api = api.with_subcode(domain);
    }
    if let Some(transient) = class.transient {
        api = api.with_transient(transient);
    }
    api
}

/// What a reason means for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Class {
    pub(crate) kind: ErrorKind,
    pub(crate) transient: Option<bool>,
    pub(crate) hint: Option<&'static str>,
}

const QUOTA_HINT: &str = " The daily quota resets at midnight Pacific time; \
     retrying before then will not help.";
const UPLOAD_LIMIT_HINT: &str = " This per-channel limit lifts over time; \
     retrying now will not help.";

/// Maps `errors[0].reason` (and the status when there is none) onto a kind.
pub(crate) fn classify_reason(status: StatusCode, reason: Option<&str>) -> Class {
    let class = |kind, transient, hint| Class {
        kind,
        transient,
        hint,
    };
    let Some(reason) = reason else {
        // A 401 without a reason is a bad token: the one case besides
        // `authError` that a refresh can fix.
        let kind = ErrorKind::from_status(status);
        return class(kind, None, None);
    };
    match reason {
        "quotaExceeded" | "dailyLimitExceeded" | "dailyLimitExceededUnreg" => {
            class(ErrorKind::QuotaExceeded, Some(false), Some(QUOTA_HINT))
        }
        "uploadLimitExceeded" => class(
            ErrorKind::QuotaExceeded,
            Some(false),
            Some(UPLOAD_LIMIT_HINT),
        ),
        "rateLimitExceeded" | "userRateLimitExceeded" => {
            class(ErrorKind::RateLimited, Some(true), None)
        }
        "backendError" | "internalError" | "serviceUnavailable" => {
            class(ErrorKind::ServerError, Some(true), None)
        }
        "authError" => class(ErrorKind::InvalidToken, Some(false), None),
        "youtubeSignupRequired" => class(
            ErrorKind::AccountNotEligible,
            Some(false),
            Some(
                " The Google account has no YouTube channel; create one at youtube.com, then try again.",
            ),
        ),
        "videoNotFound"
        | "playlistNotFound"
        | "channelNotFound"
        | "notFound"
        | "playlistItemNotFound" => class(ErrorKind::NotFound, Some(false), None),
        "forbidden"
        | "insufficientPermissions"
        | "playlistItemsNotAccessible"
        | "forbiddenPrivacySetting"
        | "forbiddenLicenseSetting"
        | "accessNotConfigured"
        | "ipRefererBlocked" => class(ErrorKind::PermissionDenied, Some(false), None),
        "invalidTitle"
        | "invalidDescription"
        | "invalidTags"
        | "invalidCategoryId"
        | "invalidFilename"
        | "invalidPublishAt"
        | "mediaBodyRequired"
        | "defaultLanguageNotSet"
        | "invalidImage"
        | "manualSortRequired"
        | "invalidVideoMetadata"
        | "invalidRecordingDetails"
        | "invalidVideoGameRating"
        | "invalidPlaylistItemPosition"
        | "invalidResourceId"
        | "badRequest"
        | "invalid"
        | "invalidParameter"
        | "required"
        | "parseError"
        | "uploadInvalid" => class(ErrorKind::InvalidRequest, Some(false), None),
        _ if status == StatusCode::UNAUTHORIZED => {
            // Any other 401 reason is not a stale token; a refresh would
            // not help, so it must not look like one.
            class(ErrorKind::PermissionDenied, Some(false), None)
        }
        _ => class(ErrorKind::from_status(status), None, None),
    }
}

/// Turns an HTML fragment into one line of text: tags removed, the common
/// entities decoded, white space collapsed.
pub fn strip_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Returns when YouTube's daily quotas next reset: the next midnight in
/// America/Los_Angeles (UTC-8, or UTC-7 from the second Sunday of March to
/// the first Sunday of November).
pub fn next_quota_reset(now: SystemTime) -> SystemTime {
    let unix = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs() as i64;
    // Try both offsets: pick the one that is in force at the local time.
    for offset_hours in [7i64, 8] {
        let local = unix - offset_hours * 3600;
        let day = local.div_euclid(86_400);
        if pacific_offset_hours(day, local.rem_euclid(86_400)) == offset_hours {
            let next_midnight_local = (day + 1) * 86_400;
            let next_day = day + 1;
            let offset_then = pacific_offset_hours(next_day, 0);
            let at = next_midnight_local + offset_then * 3600;
            return SystemTime::UNIX_EPOCH + Duration::from_secs(at.max(0) as u64);
        }
    }
    now + Duration::from_secs(86_400)
}

/// Hours behind UTC in Los Angeles on local day `day` (days since the
/// epoch) at `seconds` past local midnight.
fn pacific_offset_hours(day: i64, seconds: i64) -> i64 {
    let (year, month, dom) = civil_from_days(day);
    let dst_start = nth_sunday(year, 3, 2);
    let dst_end = nth_sunday(year, 11, 1);
    let ordinal = (month, dom);
    let in_dst = match ordinal {
        o if o > (3, dst_start) && o < (11, dst_end) => true,
        o if o == (3, dst_start) => seconds >= 2 * 3600,
        o if o == (11, dst_end) => seconds < 3600,
        _ => false,
    };
    if in_dst { 7 } else { 8 }
}

/// Day of the month of the `n`th Sunday of `month` in `year`.
fn nth_sunday(year: i64, month: u32, n: u32) -> u32 {
    let first = days_from_civil(year, month, 1);
    // 1970-01-01 was a Thursday: weekday 0 = Sunday.
    let weekday = (first + 4).rem_euclid(7) as u32;
    let first_sunday = 1 + (7 - weekday) % 7;
    first_sunday + 7 * (n - 1)
}

fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn html_link_is_stripped() {
        let text = strip_html(
            "You have exceeded your <a href=\"/youtube/v3/getting-started#quota\">quota</a>.",
        );

        assert_eq!(text, "You have exceeded your quota.");
    }

    #[test]
    fn reasons_map_to_kinds() {
        let cases = [
            (403, Some("quotaExceeded"), ErrorKind::QuotaExceeded),
            (400, Some("uploadLimitExceeded"), ErrorKind::QuotaExceeded),
            (403, Some("rateLimitExceeded"), ErrorKind::RateLimited),
            (403, Some("userRateLimitExceeded"), ErrorKind::RateLimited),
            (503, Some("backendError"), ErrorKind::ServerError),
            (401, Some("authError"), ErrorKind::InvalidToken),
            (401, None, ErrorKind::InvalidToken),
            (
                401,
                Some("youtubeSignupRequired"),
                ErrorKind::AccountNotEligible,
            ),
            (401, Some("somethingNew"), ErrorKind::PermissionDenied),
            (404, Some("videoNotFound"), ErrorKind::NotFound),
            (400, Some("invalidTitle"), ErrorKind::InvalidRequest),
            (403, Some("forbidden"), ErrorKind::PermissionDenied),
            (500, Some("somethingNew"), ErrorKind::ServerError),
        ];
        for (status, reason, kind) in cases {
            let status = StatusCode::from_u16(status).expect("status");

            let class = classify_reason(status, reason);

            assert_eq!(class.kind, kind, "{status} {reason:?}");
        }
    }

    #[test]
    fn quota_resets_at_pacific_midnight_in_winter_and_summer() {
        // 2026-01-15 10:00 UTC is 02:00 PST; next reset 2026-01-16 08:00 UTC.
        let winter = next_quota_reset(at(1_768_471_200));
        // 2026-07-15 10:00 UTC is 03:00 PDT; next reset 2026-07-16 07:00 UTC.
        let summer = next_quota_reset(at(1_784_109_600));
        // 2026-07-15 06:30 UTC is 23:30 PDT on the 14th; reset 2026-07-15 07:00 UTC.
        let just_before = next_quota_reset(at(1_784_097_000));

        assert_eq!(winter, at(1_768_550_400));
        assert_eq!(summer, at(1_784_185_200));
        assert_eq!(just_before, at(1_784_098_800));
    }

    #[test]
    fn dst_sundays_of_2026() {
        assert_eq!(nth_sunday(2026, 3, 2), 8);
        assert_eq!(nth_sunday(2026, 11, 1), 1);
        assert_eq!(civil_from_days(days_from_civil(2026, 12, 4)), (2026, 12, 4));
    }
}
