//! The creator info query and the checks a direct post makes against it
//! before any upload byte is sent.

#[path = "support/harness.rs"]
mod harness;

use std::time::Duration;

use harness::{CREATOR_INFO, VIDEO_INIT, catch_all, json_call, json_fixture};
use serde_json::json;
use social_core::{Error, ErrorKind, MediaSource};
use tiktok_sdk::{PostInfo, PrivacyLevel};
use wiremock::matchers::{body_json, body_partial_json};
use wiremock::{MockServer, ResponseTemplate};

fn sample_video() -> MediaSource {
    MediaSource::file(harness::asset("sample.mp4"))
}

fn invalid_field(err: &Error) -> Option<&str> {
    match err {
        Error::InvalidInput(input) => Some(input.field()),
        _ => None,
    }
}

#[tokio::test]
async fn creator_info_parsed() {
    let server = MockServer::start().await;
    json_call("POST", CREATOR_INFO)
        .and(body_json_absent())
        .respond_with(json_fixture(200, "creator_info_public.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let creator = harness::client(&server, &harness::timer())
        .creator_info()
        .await
        .expect("info");

    assert_eq!(
        creator.privacy_level_options,
        vec![
            PrivacyLevel::PublicToEveryone,
            PrivacyLevel::MutualFollowFriends,
            PrivacyLevel::SelfOnly
        ]
    );
    assert_eq!(creator.creator_username.as_deref(), Some("morning.runner"));
    assert_eq!(creator.max_video_post_duration_sec, Some(300));
    assert!(creator.stitch_disabled);
    assert!(!creator.comment_disabled);
}

/// Matches a request without a body: the creator info query sends none.
fn body_json_absent() -> impl wiremock::Match {
    |request: &wiremock::Request| request.body.is_empty()
}

#[tokio::test]
async fn unaudited_app_public_account_not_eligible() {
    let server = MockServer::start().await;
    json_call("POST", CREATOR_INFO)
        .respond_with(json_fixture(200, "creator_info_public.json"))
        .expect(1)
        .mount(&server)
        .await;
    json_call("POST", VIDEO_INIT)
        .and(body_partial_json(
            json!({"post_info": {"privacy_level": "SELF_ONLY"}}),
        ))
        .respond_with(json_fixture(403, "init_unaudited_client.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();

    let err = harness::client(&server, &timer)
        .direct_post(sample_video(), PostInfo::new(PrivacyLevel::SelfOnly))
        .send()
        .await
        .expect_err("unaudited");

    assert_eq!(err.kind(), ErrorKind::AccountNotEligible);
    let message = err.to_string();
    assert!(
        message.contains("make the TikTok account itself private"),
        "{message}"
    );
    assert!(message.contains("get the app audited"), "{message}");
    assert_eq!(err.request_id(), Some("202612041200009A2B3C4D5E6F7A8B9C0D"));
    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(
        requests.len(),
        2,
        "creator info and one init, no retry with another level"
    );
    assert!(timer.sleeps().is_empty());
}

#[tokio::test]
async fn privacy_level_not_offered_rejected_before_init() {
    let server = MockServer::start().await;
    json_call("POST", CREATOR_INFO)
        .respond_with(json_fixture(200, "creator_info_private.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let err = harness::client(&server, &harness::timer())
        .direct_post(
            sample_video(),
            PostInfo::new(PrivacyLevel::PublicToEveryone),
        )
        .send()
        .await
        .expect_err("not offered");

    assert_eq!(invalid_field(&err), Some("privacy_level"));
    assert!(err.to_string().contains("FOLLOWER_OF_CREATOR"), "{err}");
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(1));
}

#[tokio::test]
async fn video_longer_than_allowed_rejected() {
    let server = MockServer::start().await;
    json_call("POST", CREATOR_INFO)
        .respond_with(json_fixture(200, "creator_info_private.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let err = harness::client(&server, &harness::timer())
        .direct_post(sample_video(), PostInfo::new(PrivacyLevel::SelfOnly))
        .video_duration(Duration::from_secs(181))
        .send()
        .await
        .expect_err("too long");

    assert_eq!(invalid_field(&err), Some("video_duration"));
    assert!(err.to_string().contains("180"), "{err}");
}

#[tokio::test]
async fn disabled_interaction_rejected() {
    let server = MockServer::start().await;
    json_call("POST", CREATOR_INFO)
        .respond_with(json_fixture(200, "creator_info_private.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let err = harness::client(&server, &harness::timer())
        .direct_post(
            sample_video(),
            PostInfo::new(PrivacyLevel::SelfOnly).disable_duet(false),
        )
        .send()
        .await
        .expect_err("duets are off for private accounts");

    assert_eq!(invalid_field(&err), Some("disable_duet"));
}

#[tokio::test]
async fn unset_switches_follow_creator() {
    let server = MockServer::start().await;
    json_call("POST", CREATOR_INFO)
        .respond_with(json_fixture(200, "creator_info_private.json"))
        .expect(1)
        .mount(&server)
        .await;
    json_call("POST", VIDEO_INIT)
        .and(body_json(json!({
            "post_info": {
                "title": "quiet morning",
                "privacy_level": "MUTUAL_FOLLOW_FRIENDS",
                "disable_duet": true,
                "disable_comment": true,
                "disable_stitch": true,
                "brand_content_toggle": false,
                "brand_organic_toggle": false,
                "is_aigc": false
            },
            "source_info": {"source": "PULL_FROM_URL", "video_url": "https://media.example.com/v/quiet.mp4"}
        })))
        .respond_with(json_fixture(200, "video_init_pull_from_url.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let started = harness::client(&server, &harness::timer())
        .direct_post(
            MediaSource::url("https://media.example.com/v/quiet.mp4").expect("url"),
            PostInfo::new(PrivacyLevel::MutualFollowFriends).title("quiet morning"),
        )
        .init()
        .await
        .expect("initialized");

    assert_eq!(started.publish_id(), "v_pub_url~v2-1.7301234567890999999");
    assert!(started.upload().is_none());
    assert_eq!(started.log_id(), Some("202612041200005A2B3C4D5E6F7A8B9C0D"));
}

#[tokio::test]
async fn cap_codes_on_creator_info() {
    let cases = [
        (
            "spam_risk_too_many_posts",
            ErrorKind::QuotaExceeded,
            "24 hours",
        ),
        (
            "reached_active_user_cap",
            ErrorKind::QuotaExceeded,
            "daily cap of users",
        ),
        (
            "spam_risk_user_banned_from_posting",
            ErrorKind::AccountNotEligible,
            "banned",
        ),
    ];
    for (code, kind, hint) in cases {
        let server = MockServer::start().await;
        let body =
            json!({"data": {}, "error": {"code": code, "message": "capped", "log_id": "LOG_CAP"}});
        json_call("POST", CREATOR_INFO)
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
        catch_all(&server).await;
        let timer = harness::timer();

        let err = harness::client(&server, &timer)
            .direct_post(sample_video(), PostInfo::new(PrivacyLevel::SelfOnly))
            .send()
            .await
            .expect_err(code);

        assert_eq!(err.kind(), kind, "{code}");
        assert!(err.to_string().contains(hint), "{code}: {err}");
        assert_eq!(err.request_id(), Some("LOG_CAP"), "{code}");
        assert!(timer.sleeps().is_empty(), "{code}: never retried");
    }
}
