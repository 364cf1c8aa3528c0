//! Photo posts: request bodies for both modes, and the checks made before
//! any request.

#[path = "support/harness.rs"]
mod harness;

use harness::{CONTENT_INIT, CREATOR_INFO, STATUS, catch_all, json_call, json_fixture};
use serde_json::json;
use social_core::{Error, ErrorKind};
use tiktok_sdk::{PhotoPost, PostStatus, PrivacyLevel};
use wiremock::MockServer;
use wiremock::matchers::body_json;

const IMAGES: [&str; 2] = [
    "https://verified.example.com/a.webp",
    "https://verified.example.com/b.jpeg",
];

async fn mount_status(server: &MockServer, fixture: &str) {
    json_call("POST", STATUS)
        .and(body_json(
            json!({"publish_id": "p_pub_url~v2.7301234567890444444"}),
        ))
        .respond_with(json_fixture(200, fixture))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn direct_photo_post_body() {
    let server = MockServer::start().await;
    json_call("POST", CREATOR_INFO)
        .respond_with(json_fixture(200, "creator_info_public.json"))
        .expect(1)
        .mount(&server)
        .await;
    json_call("POST", CONTENT_INIT)
        .and(body_json(json!({
            "media_type": "PHOTO",
            "post_mode": "DIRECT_POST",
            "post_info": {
                "title": "funny cat",
                "description": "#funny photo",
                "privacy_level": "PUBLIC_TO_EVERYONE",
                "disable_comment": true,
                "auto_add_music": true,
                "brand_content_toggle": false,
                "brand_organic_toggle": false
            },
            "source_info": {"source": "PULL_FROM_URL", "photo_cover_index": 1, "photo_images": IMAGES}
        })))
        .respond_with(json_fixture(200, "photo_init.json"))
        .expect(1)
        .mount(&server)
        .await;
    mount_status(&server, "status_publish_complete_ids.json").await;
    catch_all(&server).await;
    let post = PhotoPost::direct(PrivacyLevel::PublicToEveryone, IMAGES)
        .title("funny cat")
        .description("#funny photo")
        .disable_comment(true)
        .auto_add_music(true)
        .cover_index(1);

    let outcome = harness::client(&server, &harness::timer())
        .photo_post(post)
        .send()
        .await
        .expect("posted");

    assert_eq!(outcome.status, PostStatus::PublishComplete);
    assert_eq!(outcome.post_id(), Some("7345678901234567891"));
}

#[tokio::test]
async fn media_upload_photo_body() {
    let server = MockServer::start().await;
    json_call("POST", CONTENT_INIT)
        .and(body_json(json!({
            "media_type": "PHOTO",
            "post_mode": "MEDIA_UPLOAD",
            "post_info": {"title": "draft"},
            "source_info": {"source": "PULL_FROM_URL", "photo_cover_index": 0, "photo_images": IMAGES}
        })))
        .respond_with(json_fixture(200, "photo_init.json"))
        .expect(1)
        .mount(&server)
        .await;
    mount_status(&server, "status_send_to_user_inbox.json").await;
    catch_all(&server).await;

    let outcome = harness::client(&server, &harness::timer())
        .photo_post(PhotoPost::media_upload(IMAGES).title("draft"))
        .send()
        .await
        .expect("sent to inbox");

    assert_eq!(outcome.status, PostStatus::SendToUserInbox);
}

#[tokio::test]
async fn bad_photo_posts_rejected_before_requests() {
    let too_many: Vec<String> = (0..36)
        .map(|i| format!("https://verified.example.com/{i}.jpeg"))
        .collect();
    let cases = [
        (
            PhotoPost::direct(PrivacyLevel::SelfOnly, too_many),
            "photo_images",
        ),
        (
            PhotoPost::direct(PrivacyLevel::SelfOnly, Vec::<String>::new()),
            "photo_images",
        ),
        (
            PhotoPost::direct(
                PrivacyLevel::SelfOnly,
                [IMAGES[0], "http://verified.example.com/b.jpeg"],
            ),
            "photo_images[1]",
        ),
        (
            PhotoPost::direct(PrivacyLevel::SelfOnly, IMAGES).cover_index(2),
            "photo_cover_index",
        ),
        (
            PhotoPost::direct(PrivacyLevel::SelfOnly, IMAGES).title("x".repeat(91)),
            "title",
        ),
        (
            PhotoPost::direct(PrivacyLevel::SelfOnly, IMAGES).description("é".repeat(4001)),
            "description",
        ),
        (
            PhotoPost::media_upload(IMAGES).disable_comment(true),
            "disable_comment",
        ),
        (
            PhotoPost::media_upload(IMAGES).brand_content(false),
            "brand_content_toggle",
        ),
    ];
    let server = MockServer::start().await;
    catch_all(&server).await;
    let client = harness::client(&server, &harness::timer());

    for (post, field) in cases {
        let err = client.photo_post(post).send().await.expect_err(field);

        assert!(
            matches!(&err, Error::InvalidInput(i) if i.field() == field),
            "{field}: {err:?}"
        );
    }
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(0));
}

#[tokio::test]
async fn photo_privacy_not_offered_rejected() {
    let server = MockServer::start().await;
    json_call("POST", CREATOR_INFO)
        .respond_with(json_fixture(200, "creator_info_private.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let err = harness::client(&server, &harness::timer())
        .photo_post(PhotoPost::direct(PrivacyLevel::PublicToEveryone, IMAGES))
        .send()
        .await
        .expect_err("not offered");

    assert!(
        matches!(&err, Error::InvalidInput(i) if i.field() == "privacy_level"),
        "{err:?}"
    );
}

#[tokio::test]
async fn old_app_version_explained() {
    let server = MockServer::start().await;
    json_call("POST", CONTENT_INIT)
        .respond_with(json_fixture(400, "app_version_check_failed.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let err = harness::client(&server, &harness::timer())
        .photo_post(PhotoPost::media_upload(IMAGES))
        .send()
        .await
        .expect_err("old app");

    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(err.to_string().contains("31.8"), "{err}");
}
