//! Instagram's publishing error codes on top of the Graph code table.
//!
//! Graph classifies by `code` and `error_subcode`, never by the HTTP status
//! or the translated message. The rules below add Instagram's own pairs,
//! from Meta's Instagram Platform error-code reference, to the Graph table
//! of `facebook-sdk`.

use facebook_sdk::graph::{Classification, GraphErrorDetails, GraphProtocol};
use social_core::{ApiError, Error, ErrorKind, Platform};

/// The subcode Instagram sends when `media_publish` runs before the
/// container is `FINISHED` (code 9007): nothing was published.
pub const MEDIA_NOT_READY: i64 = 2_207_027;

/// The subcode for a missing or expired creation id (code 24); Meta advises
/// retrying the publish once or twice before making a new container.
pub const CREATION_ID_NOT_FOUND: i64 = 2_207_008;

/// The subcode of the daily publishing limit (code 9).
pub const PUBLISHING_LIMIT_REACHED: i64 = 2_207_042;

/// The subcode of an expired container (code -2).
pub const CONTAINER_EXPIRED: i64 = 2_207_020;

/// Returns the Graph protocol with Instagram's publishing codes added.
pub fn instagram_protocol() -> GraphProtocol {
    use ErrorKind::*;
    let invalid = |hint: &'static str| {
        Classification::new(InvalidRequest)
            .transient(false)
            .hint(hint)
    };
    GraphProtocol::new(Platform::Instagram)
        .with_rule(-2, Some(2_207_003), Classification::new(ServerError).transient(true).hint(
            "Instagram timed out downloading the media; the request is retried",
        ))
        .with_rule(-2, Some(CONTAINER_EXPIRED), invalid(
            "the container expired because it was not published within 24 hours; create a new container",
        ))
        .with_rule(-1, Some(2_207_001), Classification::new(ServerError).transient(true))
        .with_rule(-1, Some(2_207_032), Classification::new(ServerError).transient(false).hint(
            "Instagram failed to create the media; create a new container",
        ))
        .with_rule(-1, Some(2_207_053), Classification::new(ServerError).transient(false).hint(
            "the video upload failed with an unknown error; create a new container",
        ))
        .with_rule(1, Some(2_207_057), invalid(
            "thumb_offset is outside the video; use milliseconds from 0 to the video's duration",
        ))
        .with_rule(4, Some(2_207_051), Classification::new(RateLimited).transient(false).hint(
            "Instagram restricted this account's activity as suspected spam; \
             do not retry now, and review the account in the Instagram app",
        ))
        .with_rule(9, Some(PUBLISHING_LIMIT_REACHED), Classification::new(QuotaExceeded).transient(false).hint(
            "the account reached its publishing limit for the rolling 24-hour window; \
             read content_publishing_limit and publish again when posts age out",
        ))
        .with_rule(24, Some(2_207_006), Classification::new(NotFound).transient(false).hint(
            "the media was not found; the container may have expired or the token may lack access, \
             so create a new container or authorize again",
        ))
        .with_rule(24, Some(CREATION_ID_NOT_FOUND), Classification::new(NotFound).transient(false).hint(
            "the creation id is missing or expired; wait and publish again, or create a new container",
        ))
        .with_rule(25, Some(2_207_050), Classification::new(AccountNotEligible).transient(false).hint(
            "the Instagram account is inactive, checkpointed or restricted; \
             the user must log in to the Instagram app and resolve it",
        ))
        .with_rule(100, Some(2_207_023), invalid("media_type is not a known media type"))
        .with_rule(100, Some(2_207_028), invalid("children must hold 2 to 10 carousel items"))
        .with_rule(100, Some(2_207_035), invalid("product_tags has an invalid tag position"))
        .with_rule(100, Some(2_207_036), invalid("product_tags has an invalid product"))
        .with_rule(100, Some(2_207_037), invalid("product_tags could not be applied"))
        .with_rule(100, Some(2_207_040), invalid("caption mentions more than 20 accounts; mention at most 20"))
        .with_rule(352, Some(2_207_026), invalid(
            "video_url points to an unsupported video format; use an MP4 or MOV file",
        ))
        .with_rule(9004, Some(2_207_052), invalid(
            "Instagram could not fetch the media from its URL; serve the file itself \
             (not an HTML page) from a public URL without redirects or robots.txt blocks",
        ))
        .with_rule(9007, Some(MEDIA_NOT_READY), Classification::new(Other).transient(false).hint(
            "the container is not ready to publish yet and nothing was published; \
             wait until its status_code is FINISHED",
        ))
        .with_rule(36000, Some(2_207_004), invalid("image_url points to an image above 8 MiB; send a smaller JPEG"))
        .with_rule(36001, Some(2_207_005), invalid("image_url points to an unsupported format; send a JPEG"))
        .with_rule(36003, Some(2_207_009), invalid(
            "image_url points to an image whose aspect ratio is outside 4:5 to 1.91:1; crop it",
        ))
        .with_rule(36004, Some(2_207_010), invalid(
            "caption is too long; use at most 2,200 characters, 30 hashtags and 20 mentions",
        ))
}

/// Returns the Graph code and subcode of an API error.
pub(crate) fn graph_codes(error: &Error) -> Option<(Option<i64>, Option<i64>)> {
    let details = GraphErrorDetails::from_api(error.as_api()?)?;
    Some((details.code, details.subcode))
}

/// Tells whether `error` reports that the container is not ready to publish, which
/// means nothing was published: 9007/2207027, or 24/2207008.
pub(crate) fn is_not_ready(error: &Error) -> bool {
    matches!(
        graph_codes(error),
        Some((Some(9007), Some(MEDIA_NOT_READY))) | Some((Some(24), Some(CREATION_ID_NOT_FOUND)))
    )
}

/// Builds the error for an account that cannot publish through the API.
pub(crate) fn not_eligible(message: impl Into<String>) -> Error {
    ApiError::new(Platform::Instagram, ErrorKind::AccountNotEligible, message).into()
}

/// Finds a 22070xx subcode in a container's `status` text, such as
/// `"Error: Media upload has failed with error code 2207082"`.
///
/// The text is not stable, so only the number is read.
pub(crate) fn subcode_in_status(status: &str) -> Option<String> {
    let bytes = status.as_bytes();
    (0..bytes.len().saturating_sub(6)).find_map(|start| {
        let candidate = status.get(start..start + 7)?;
        let is_number =
            candidate.starts_with("22070") && candidate.bytes().all(|b| b.is_ascii_digit());
        let before_ok = start == 0 || !bytes[start - 1].is_ascii_digit();
        let after_ok = bytes.get(start + 7).is_none_or(|b| !b.is_ascii_digit());
        (is_number && before_ok && after_ok).then(|| candidate.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subcode_read_from_status_text() {
        let cases = [
            (
                "Error: Media upload has failed with error code 2207082",
                Some("2207082"),
            ),
            ("Error: ... error code 2207026.", Some("2207026")),
            ("2207001", Some("2207001")),
            ("Error: Media download has failed.", None),
            ("code 22070821 is too long", None),
            ("code 12207082", None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(subcode_in_status(text).as_deref(), expected, "{text}");
        }
    }

    #[test]
    fn instagram_codes_classified() {
        let protocol = instagram_protocol();
        let kind = |code, subcode| protocol.classify(code, Some(subcode)).map(|c| c.kind);

        assert_eq!(
            kind(9, PUBLISHING_LIMIT_REACHED),
            Some(ErrorKind::QuotaExceeded)
        );
        assert_eq!(kind(25, 2_207_050), Some(ErrorKind::AccountNotEligible));
        assert_eq!(kind(4, 2_207_051), Some(ErrorKind::RateLimited));
        assert_eq!(kind(36003, 2_207_009), Some(ErrorKind::InvalidRequest));
        assert_eq!(kind(-2, 2_207_003), Some(ErrorKind::ServerError));
        assert_eq!(
            protocol
                .classify(4, Some(2_207_051))
                .and_then(|c| c.transient),
            Some(false),
            "a spam restriction is never retried"
        );
        assert_eq!(
            protocol.classify(4, None).map(|c| c.kind),
            Some(ErrorKind::RateLimited),
            "plain throttling keeps the Graph rule"
        );
    }
}
