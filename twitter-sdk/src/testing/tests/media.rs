//! Chunked and one-shot uploads, segment accounting and scripted processing.

use reqwest::Method;
use serde_json::json;

use super::*;
use crate::testing::{ProcessingScript, ProcessingStep};

#[tokio::test]
async fn video_upload_walks_default_script() {
    let fake = FakeX::start().await;
    let video = video_bytes(10_000);

    let (id, finalized) = upload(&fake, &video, "video/mp4", "tweet_video", 4_096).await;
    let infos = poll_until_done(&fake, &id).await;

    assert_eq!(id.len(), 19);
    assert_eq!(finalized["data"]["media_key"], format!("13_{id}"));
    assert_eq!(finalized["data"]["size"], 10_000);
    assert_eq!(
        finalized["data"]["processing_info"],
        json!({"state": "pending", "check_after_secs": 1})
    );
    let states: Vec<(&str, u64)> = infos
        .iter()
        .map(|info| {
            (
                info["state"].as_str().unwrap_or_default(),
                info["progress_percent"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        states,
        [("in_progress", 33), ("in_progress", 66), ("succeeded", 100)]
    );
    assert_eq!(infos[0]["check_after_secs"], 1);
    assert_eq!(fake.uploaded_media(&id), Some(video));
    assert_eq!(fake.request_count("POST", "/2/media/upload/*/append"), 3);
}

#[tokio::test]
async fn post_with_processed_video_succeeds() {
    let fake = FakeX::start().await;
    let (id, _) = upload(&fake, &video_bytes(100), "video/mp4", "tweet_video", 100).await;
    let early = create_post(
        &fake,
        json!({"text": "too early", "media": {"media_ids": [id]}}),
    )
    .await;
    poll_until_done(&fake, &id).await;

    let ready = create_post(
        &fake,
        json!({"text": "video", "media": {"media_ids": [id]}}),
    )
    .await;

    assert_eq!(early.status(), 400);
    let message = body_json(early).await["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(message.contains("processing"), "{message}");
    assert_eq!(ready.status(), 201);
    assert_eq!(fake.posts()[0].media_ids, [id]);
}

#[tokio::test]
async fn image_is_ready_without_processing_info() {
    let fake = FakeX::start().await;
    let image = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3];

    let (id, finalized) = upload(&fake, &image, "image/jpeg", "tweet_image", 3).await;
    let status_body = body_json(status(&fake, &id).await).await;
    let posted = create_post(&fake, json!({"text": "", "media": {"media_ids": [id]}})).await;

    assert!(finalized["data"].get("processing_info").is_none());
    assert!(status_body["data"].get("processing_info").is_none());
    assert_eq!(posted.status(), 201);
}

#[tokio::test]
async fn failed_processing_reported_on_200() {
    let fake = FakeX::start().await;
    fake.set_processing(ProcessingScript::new([
        ProcessingStep::in_progress(33, 5),
        ProcessingStep::invalid_media(),
        ProcessingStep::succeeded(),
    ]));
    let (id, _) = upload(&fake, &video_bytes(64), "video/mp4", "tweet_video", 64).await;

    let infos = poll_until_done(&fake, &id).await;
    let after_failure = status(&fake, &id).await;
    let posted = create_post(
        &fake,
        json!({"text": "broken", "media": {"media_ids": [id]}}),
    )
    .await;

    assert_eq!(
        infos[0],
        json!({"state": "in_progress", "check_after_secs": 5, "progress_percent": 33})
    );
    assert_eq!(infos[1]["state"], "failed");
    assert_eq!(
        infos[1]["error"],
        json!({"code": 1, "name": "InvalidMedia", "message": "Unsupported video format"})
    );
    assert_eq!(after_failure.status(), 200);
    assert_eq!(
        body_json(after_failure).await["data"]["processing_info"]["state"],
        "failed"
    );
    assert_eq!(posted.status(), 400);
}

#[tokio::test]
async fn stuck_processing_never_finishes() {
    let fake = FakeX::start().await;
    fake.set_processing(ProcessingScript::stuck(50, 2));
    let (id, _) = upload(&fake, &video_bytes(64), "image/gif", "tweet_gif", 64).await;

    let infos = poll_until_done(&fake, &id).await;

    assert_eq!(infos.len(), 20);
    assert!(infos.iter().all(|info| info["state"] == "in_progress"));
}

#[tokio::test]
async fn empty_script_succeeds_on_first_status() {
    let fake = FakeX::start().await;
    fake.set_processing(ProcessingScript::new([]));
    let (id, _) = upload(&fake, &video_bytes(8), "video/mp4", "tweet_video", 8).await;

    let infos = poll_until_done(&fake, &id).await;

    assert_eq!(infos.len(), 1);
    assert_eq!(infos[0]["state"], "succeeded");
}

#[test]
fn succeeds_after_spreads_progress() {
    let script = ProcessingScript::succeeds_after(3);

    assert_eq!(
        script.steps(),
        [
            ProcessingStep::in_progress(25, 1),
            ProcessingStep::in_progress(50, 1),
            ProcessingStep::in_progress(75, 1),
            ProcessingStep::succeeded(),
        ]
    );
    assert_eq!(
        ProcessingScript::succeeds_after(2),
        ProcessingScript::default()
    );
}

#[tokio::test]
async fn resent_segment_replaces_old_bytes() {
    let fake = FakeX::start().await;
    let id = initialize(&fake, "video/mp4", "tweet_video", 6).await;

    append(&fake, &id, 0, b"xxx").await;
    append(&fake, &id, 0, b"abc").await;
    append(&fake, &id, 1, b"def").await;
    let finalized = send(
        &fake,
        Method::POST,
        &format!("/2/media/upload/{id}/finalize"),
    )
    .await;

    assert_eq!(finalized.status(), 200);
    assert_eq!(
        fake.uploaded_media(&id).as_deref(),
        Some(b"abcdef".as_slice())
    );
}

#[tokio::test]
async fn finalize_rejects_gap_and_wrong_total() {
    let fake = FakeX::start().await;
    let gap = initialize(&fake, "video/mp4", "tweet_video", 6).await;
    append(&fake, &gap, 0, b"abc").await;
    append(&fake, &gap, 2, b"def").await;
    let short = initialize(&fake, "video/mp4", "tweet_video", 10).await;
    append(&fake, &short, 0, b"abc").await;

    let gap_answer = send(
        &fake,
        Method::POST,
        &format!("/2/media/upload/{gap}/finalize"),
    )
    .await;
    let short_answer = send(
        &fake,
        Method::POST,
        &format!("/2/media/upload/{short}/finalize"),
    )
    .await;

    for answer in [gap_answer, short_answer] {
        assert_eq!(answer.status(), 400);
        let body = body_json(answer).await;
        let message = body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            message.starts_with("Segments do not add up to provided total file size"),
            "{message}"
        );
    }
}

#[tokio::test]
async fn finalize_twice_keeps_processing_state() {
    let fake = FakeX::start().await;
    let (id, _) = upload(&fake, &video_bytes(16), "video/mp4", "tweet_video", 16).await;
    status(&fake, &id).await;

    let again = send(
        &fake,
        Method::POST,
        &format!("/2/media/upload/{id}/finalize"),
    )
    .await;

    assert_eq!(again.status(), 200);
    assert_eq!(
        body_json(again).await["data"]["processing_info"]["state"],
        "in_progress"
    );
}

#[tokio::test]
async fn initialize_rejects_invalid_bodies() {
    let fake = FakeX::start().await;
    let cases = [
        json!({"total_bytes": 10}),
        json!({"media_type": "video/avi", "total_bytes": 10}),
        json!({"media_type": "video/mp4", "total_bytes": 0}),
        json!({"media_type": "video/mp4", "total_bytes": "10"}),
        json!({"media_type": "video/mp4", "total_bytes": 17_179_869_185u64}),
        json!({"media_type": "image/jpeg", "total_bytes": 10, "media_category": "tweet_video"}),
        json!({"media_type": "image/png", "total_bytes": 10, "media_category": "tweet_gif"}),
        json!({"media_type": "image/jpeg", "total_bytes": 6 * 1024 * 1024, "media_category": "tweet_image"}),
        json!({"media_type": "video/mp4", "total_bytes": 10, "media_category": "reel"}),
        json!({"media_type": "video/mp4", "total_bytes": 10, "shared": "true"}),
        json!({"media_type": "video/mp4", "total_bytes": 10, "additional_owners": [12]}),
        json!({"media_type": "video/mp4", "total_bytes": 10, "command": "INIT"}),
    ];

    for case in cases {
        let response = send_json(&fake, Method::POST, "/2/media/upload/initialize", &case).await;

        assert_eq!(response.status(), 400, "{case}");
    }
}

#[tokio::test]
async fn append_rejects_invalid_segments() {
    let fake = FakeX::start().await;
    let id = initialize(&fake, "video/mp4", "tweet_video", 3).await;
    let (done, _) = upload(&fake, b"abc", "video/mp4", "tweet_video", 3).await;

    let out_of_range = append(&fake, &id, 1000, b"abc").await;
    let empty = append(&fake, &id, 0, b"").await;
    let unknown = append(&fake, "1880000000000009999", 0, b"abc").await;
    let finalized = append(&fake, &done, 1, b"abc").await;

    assert_eq!(out_of_range.status(), 400);
    assert_eq!(empty.status(), 400);
    assert_eq!(unknown.status(), 400);
    assert_eq!(finalized.status(), 400);
    assert_eq!(fake.uploaded_media(&id), Some(Vec::new()));
}

#[tokio::test]
async fn expired_upload_rejects_append() {
    let fake = FakeX::start().await;
    let id = initialize(&fake, "video/mp4", "tweet_video", 3).await;

    assert!(fake.expire_upload(&id));
    let response = append(&fake, &id, 0, b"abc").await;

    assert_eq!(response.status(), 400);
    let message = body_json(response).await["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(message.contains("expired"), "{message}");
}

#[tokio::test]
async fn json_append_with_base64_media() {
    let fake = FakeX::start().await;
    let id = initialize(&fake, "video/mp4", "tweet_video", 3).await;

    let response = send_json(
        &fake,
        Method::POST,
        &format!("/2/media/upload/{id}/append"),
        &json!({"segment_index": 0, "media": "YWJj"}),
    )
    .await;

    assert_eq!(response.status(), 200);
    assert!(body_json(response).await["data"]["expires_at"].is_u64());
    assert_eq!(fake.uploaded_media(&id).as_deref(), Some(b"abc".as_slice()));
}

#[tokio::test]
async fn one_shot_image_upload_sniffs_type() {
    let fake = FakeX::start().await;
    let png = b"\x89PNG\r\n\x1a\nrest-of-image".to_vec();
    let source = MediaSource::bytes(png.clone(), Some("a.png"));
    let form = Multipart::new()
        .text("media_category", "tweet_image")
        .media(
            "media",
            "a.png",
            &mime::IMAGE_PNG,
            &source,
            0,
            png.len() as u64,
        )
        .expect("form");

    let response = http()
        .post(url(&fake, "/2/media/upload"))
        .bearer_auth(fake.oauth2().access_token)
        .header("content-type", form.content_type())
        .header("content-length", form.content_length())
        .body(form.into_body())
        .send()
        .await
        .expect("sent");

    assert_eq!(response.status(), 200);
    let body = body_json(response).await;
    let id = body["data"]["id"].as_str().expect("id").to_owned();
    assert!(body["data"].get("processing_info").is_none());
    assert_eq!(fake.uploaded_media(&id), Some(png));
}

#[tokio::test]
async fn post_takes_one_video_or_four_images() {
    let fake = FakeX::start().await;
    let (video, _) = upload(&fake, &video_bytes(8), "video/mp4", "tweet_video", 8).await;
    poll_until_done(&fake, &video).await;
    let mut images = Vec::new();
    for _ in 0..2 {
        images.push(
            upload(
                &fake,
                &[0xFF, 0xD8, 0xFF, 9],
                "image/jpeg",
                "tweet_image",
                4,
            )
            .await
            .0,
        );
    }

    let mixed = create_post(
        &fake,
        json!({"text": "mixed", "media": {"media_ids": [video, images[0]]}}),
    )
    .await;
    let two_images = create_post(
        &fake,
        json!({"text": "pair", "media": {"media_ids": images}}),
    )
    .await;

    assert_eq!(mixed.status(), 400);
    assert_eq!(two_images.status(), 201);
}

#[tokio::test]
async fn alt_text_stored_through_metadata() {
    let fake = FakeX::start().await;
    let (id, _) = upload(
        &fake,
        &[0xFF, 0xD8, 0xFF, 1],
        "image/jpeg",
        "tweet_image",
        4,
    )
    .await;
    let body = json!({"id": id, "metadata": {"alt_text": {"text": "A red kite"}}});

    let stored = send_json(&fake, Method::POST, "/2/media/metadata", &body).await;
    let too_long = json!({"id": id, "metadata": {"alt_text": {"text": "x".repeat(1001)}}});
    let rejected = send_json(&fake, Method::POST, "/2/media/metadata", &too_long).await;
    let unknown = json!({"id": "1880000000000009999", "metadata": {"alt_text": {"text": "x"}}});
    let missing = send_json(&fake, Method::POST, "/2/media/metadata", &unknown).await;

    assert_eq!(stored.status(), 200);
    assert_eq!(rejected.status(), 400);
    assert_eq!(missing.status(), 400);
    assert_eq!(fake.alt_text(&id).as_deref(), Some("A red kite"));
}

#[tokio::test]
async fn one_shot_upload_uses_part_content_type() {
    let fake = FakeX::start().await;
    let data = b"not sniffable".to_vec();
    let source = MediaSource::bytes(data.clone(), Some("a.webp"));
    let form = |content_type: &mime::Mime| {
        Multipart::new()
            .text("media_category", "tweet_image")
            .media(
                "media",
                "a.webp",
                content_type,
                &source,
                0,
                data.len() as u64,
            )
            .expect("form")
    };
    let webp: mime::Mime = "image/webp".parse().expect("mime");

    let mut statuses = Vec::new();
    for form in [form(&webp), form(&mime::APPLICATION_OCTET_STREAM)] {
        let response = http()
            .post(url(&fake, "/2/media/upload"))
            .bearer_auth(fake.oauth2().access_token)
            .header("content-type", form.content_type())
            .header("content-length", form.content_length())
            .body(form.into_body())
            .send()
            .await
            .expect("sent");
        statuses.push(response.status());
    }

    assert_eq!(statuses, [200, 400]);
}
