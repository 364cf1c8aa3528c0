//! Publishing exactly once: polling before `media_publish`, "not ready"
//! errors, lost responses resolved by reading the container, quotas and
//! the read-back.

#[path = "support/common.rs"]
mod common;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use common::*;
use instagram_sdk::{Image, ImagePost};
use serde_json::json;
use social_core::testing::ManualTimer;
use social_core::{Delivery, Error, ErrorKind, HttpSettings, UnexpectedBody};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const IMAGE_URL: &str = "https://cdn.example.com/photo.jpg";

fn post() -> ImagePost {
    ImagePost::new(Image::url(IMAGE_URL).expect("valid URL")).caption("Hello #rust")
}

async fn mount_image_container(server: &MockServer) {
    let fields = json!({"image_url": IMAGE_URL, "caption": "Hello #rust"});
    mount_create(
        server,
        fields,
        json_fixture(200, "container_created.json"),
        1,
    )
    .await;
}

#[tokio::test]
async fn publish_waits_for_finished_before_publishing() {
    let server = MockServer::start().await;
    mount_image_container(&server).await;
    let statuses = vec![
        json_fixture(200, "status_in_progress.json"),
        json_fixture(200, "status_in_progress.json"),
        json_fixture(200, "status_finished.json"),
    ];
    let reads = mount_status(&server, CONTAINER_ID, statuses, 3).await;
    let seen = reads.clone();
    let publish = move |_: &wiremock::Request| {
        if seen.load(Ordering::SeqCst) == 3 {
            json_fixture(200, "publish_ok.json")
        } else {
            json_fixture(400, "error_9007_2207027.json")
        }
    };
    mount_publish(&server, CONTAINER_ID, publish, 1).await;
    mount_read_back(&server, json_fixture(200, "media_read.json"), 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let published = client(&server, &timer)
        .publish_image(&post())
        .await
        .expect("published");

    assert_eq!(published.container_id, CONTAINER_ID);
    assert_eq!(published.media_id.as_deref(), Some(MEDIA_ID));
    assert_eq!(
        published.permalink.as_deref(),
        Some("https://www.instagram.com/p/Cfake123/")
    );
    assert_eq!(published.media_product_type.as_deref(), Some("FEED"));
    assert!(!published.recovered);
    assert_eq!(reads.load(Ordering::SeqCst), 3);
    assert_eq!(
        timer.sleeps(),
        vec![Duration::from_secs(1), Duration::from_secs(2)]
    );
}

#[tokio::test]
async fn not_ready_publish_retried_after_waiting() {
    let server = MockServer::start().await;
    mount_image_container(&server).await;
    mount_status(
        &server,
        CONTAINER_ID,
        vec![json_fixture(200, "status_finished.json")],
        2,
    )
    .await;
    let answers = Sequence::new(vec![
        json_fixture(400, "error_9007_2207027.json"),
        json_fixture(200, "publish_ok.json"),
    ]);
    mount_publish(&server, CONTAINER_ID, answers, 2).await;
    mount_read_back(&server, json_fixture(200, "media_read.json"), 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let published = client(&server, &timer)
        .publish_image(&post())
        .await
        .expect("published on the second call");

    assert_eq!(published.media_id.as_deref(), Some(MEDIA_ID));
    assert_eq!(timer.sleeps(), vec![Duration::from_secs(1)]);
}

#[tokio::test]
async fn not_ready_retries_bounded() {
    let server = MockServer::start().await;
    mount_image_container(&server).await;
    mount_status(
        &server,
        CONTAINER_ID,
        vec![json_fixture(200, "status_finished.json")],
        3,
    )
    .await;
    mount_publish(
        &server,
        CONTAINER_ID,
        json_fixture(400, "error_9007_2207027.json"),
        3,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = builder(&server, &timer)
        .not_ready_retries(2)
        .build()
        .expect("client")
        .publish_image(&post())
        .await
        .expect_err("never ready");

    let api = error.as_api().expect("API error");
    assert_eq!(api.code(), Some("9007"));
    assert_eq!(api.subcode(), Some("2207027"));
    assert_eq!(error.request_id(), Some("TRACE_ID"));
    assert!(api.message().contains("nothing was published"), "{api}");
    assert_eq!(timer.sleeps().len(), 2);
}

#[tokio::test]
async fn lost_publish_response_resolved_by_published_status() {
    let server = MockServer::start().await;
    mount_image_container(&server).await;
    let statuses = vec![
        json_fixture(200, "status_finished.json"),
        json_fixture(200, "status_published.json"),
    ];
    let reads = mount_status(&server, CONTAINER_ID, statuses, 2).await;
    mount_publish(&server, CONTAINER_ID, html_page(502), 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let published = client(&server, &timer)
        .publish_image(&post())
        .await
        .expect("the container reads PUBLISHED");

    assert!(published.recovered);
    assert_eq!(published.container_id, CONTAINER_ID);
    assert_eq!(published.media_id, None, "never guessed from /media");
    assert_eq!(reads.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn publish_timeout_resolved_by_published_status() {
    let server = MockServer::start().await;
    mount_image_container(&server).await;
    let statuses = vec![
        json_fixture(200, "status_finished.json"),
        json_fixture(200, "status_published.json"),
    ];
    mount_status(&server, CONTAINER_ID, statuses, 2).await;
    let slow = json_fixture(200, "publish_ok.json").set_delay(Duration::from_secs(3));
    mount_publish(&server, CONTAINER_ID, slow, 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let client = builder(&server, &timer)
        .http_settings(
            HttpSettings::default()
                .no_proxy()
                .request_timeout(Duration::from_millis(300)),
        )
        .build()
        .expect("client");

    let published = client.publish_image(&post()).await.expect("recovered");

    assert!(published.recovered);
    assert_eq!(published.media_id, None);
}

#[tokio::test]
async fn lost_publish_response_with_finished_container_publishes_again() {
    let server = MockServer::start().await;
    mount_image_container(&server).await;
    mount_status(
        &server,
        CONTAINER_ID,
        vec![json_fixture(200, "status_finished.json")],
        2,
    )
    .await;
    let answers = Sequence::new(vec![html_page(503), json_fixture(200, "publish_ok.json")]);
    mount_publish(&server, CONTAINER_ID, answers, 2).await;
    mount_read_back(&server, json_fixture(200, "media_read.json"), 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let published = client(&server, &timer)
        .publish_image(&post())
        .await
        .expect("second publish");

    assert_eq!(published.media_id.as_deref(), Some(MEDIA_ID));
    assert!(!published.recovered);
}

#[tokio::test]
async fn lost_publish_response_republish_bounded() {
    let server = MockServer::start().await;
    mount_image_container(&server).await;
    mount_status(
        &server,
        CONTAINER_ID,
        vec![json_fixture(200, "status_finished.json")],
        3,
    )
    .await;
    mount_publish(&server, CONTAINER_ID, html_page(502), 2).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = builder(&server, &timer)
        .republish_limit(1)
        .build()
        .expect("client")
        .publish_image(&post())
        .await
        .expect_err("still failing");

    assert_eq!(error.delivery(), Some(Delivery::Unknown));
    let Error::UnexpectedResponse(page) = &error else {
        panic!("expected the HTML page error, got {error:?}");
    };
    assert_eq!(page.body_kind(), UnexpectedBody::HtmlPage);
}

#[tokio::test]
async fn lost_publish_response_with_failed_container_returns_error() {
    let server = MockServer::start().await;
    mount_image_container(&server).await;
    let statuses = vec![
        json_fixture(200, "status_finished.json"),
        json_fixture(200, "status_error_2207082.json"),
    ];
    mount_status(&server, CONTAINER_ID, statuses, 2).await;
    mount_publish(&server, CONTAINER_ID, html_page(502), 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = client(&server, &timer)
        .publish_image(&post())
        .await
        .expect_err("not published");

    assert_eq!(error.delivery(), Some(Delivery::Unknown));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
}

#[tokio::test]
async fn lost_response_and_failed_read_fail() {
    let server = MockServer::start().await;
    mount_image_container(&server).await;
    let statuses = vec![json_fixture(200, "status_finished.json"), html_page(500)];
    mount_status(&server, CONTAINER_ID, statuses, 6).await;
    mount_publish(&server, CONTAINER_ID, html_page(502), 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = client(&server, &timer)
        .publish_image(&post())
        .await
        .expect_err("outcome unknown");

    assert_eq!(error.status().map(|s| s.as_u16()), Some(502), "{error}");
    assert_eq!(error.delivery(), Some(Delivery::Unknown));
}

#[tokio::test]
async fn published_container_after_restart_not_published_again() {
    let server = MockServer::start().await;
    mount_status(
        &server,
        CONTAINER_ID,
        vec![json_fixture(200, "status_published.json")],
        1,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let published = client(&server, &timer)
        .publish_container(CONTAINER_ID)
        .await
        .expect("already published");

    assert!(published.recovered);
    assert_eq!(published.media_id, None);
    assert!(timer.sleeps().is_empty());
}

#[tokio::test]
async fn daily_limit_is_quota_exceeded_without_retry() {
    let server = MockServer::start().await;
    mount_image_container(&server).await;
    mount_status(
        &server,
        CONTAINER_ID,
        vec![json_fixture(200, "status_finished.json")],
        1,
    )
    .await;
    mount_publish(
        &server,
        CONTAINER_ID,
        json_fixture(400, "error_9_2207042.json"),
        1,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = client(&server, &timer)
        .publish_image(&post())
        .await
        .expect_err("limit reached");

    assert_eq!(error.kind(), ErrorKind::QuotaExceeded);
    assert!(!error.is_retryable());
    assert_eq!(error.request_id(), Some("TRACE_ID_QUOTA"));
    assert!(
        error.to_string().contains("content_publishing_limit"),
        "{error}"
    );
    assert!(timer.sleeps().is_empty());
}

#[tokio::test]
async fn spam_restriction_never_retried() {
    let server = MockServer::start().await;
    mount_image_container(&server).await;
    mount_status(
        &server,
        CONTAINER_ID,
        vec![json_fixture(200, "status_finished.json")],
        1,
    )
    .await;
    mount_publish(
        &server,
        CONTAINER_ID,
        json_fixture(400, "error_4_2207051.json"),
        1,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = client(&server, &timer)
        .publish_image(&post())
        .await
        .expect_err("restricted");

    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("suspected spam"), "{error}");
    assert!(timer.sleeps().is_empty());
}

#[tokio::test]
async fn restricted_account_not_eligible() {
    let server = MockServer::start().await;
    mount_image_container(&server).await;
    mount_status(
        &server,
        CONTAINER_ID,
        vec![json_fixture(200, "status_finished.json")],
        1,
    )
    .await;
    mount_publish(
        &server,
        CONTAINER_ID,
        json_fixture(400, "error_25_2207050.json"),
        1,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = client(&server, &timer)
        .publish_image(&post())
        .await
        .expect_err("restricted");

    assert_eq!(error.kind(), ErrorKind::AccountNotEligible);
    assert!(error.to_string().contains("Instagram app"), "{error}");
}

#[tokio::test]
async fn quota_checked_before_publish_when_asked() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(graph_path(&format!(
            "{IG_USER_ID}/content_publishing_limit"
        ))))
        .and(query_param("fields", "quota_usage,config"))
        .respond_with(json_fixture(200, "publishing_limit_full.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = builder(&server, &timer)
        .check_quota_before_publish(true)
        .build()
        .expect("client")
        .publish_image(&post())
        .await
        .expect_err("quota used up");

    assert_eq!(error.kind(), ErrorKind::QuotaExceeded);
    assert!(error.to_string().contains("50 of the 50"), "{error}");
}

#[tokio::test]
async fn publishing_limit_read_from_api() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(graph_path(&format!(
            "{IG_USER_ID}/content_publishing_limit"
        ))))
        .and(query_param("fields", "quota_usage,config"))
        .respond_with(json_fixture(200, "publishing_limit.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let limit = client(&server, &timer)
        .publishing_limit()
        .await
        .expect("limit");

    assert_eq!(limit.quota_usage, 3);
    assert_eq!(limit.quota_total, Some(100));
    assert_eq!(limit.quota_duration, Some(86_400));
    assert_eq!(limit.remaining(), Some(97));
}

#[tokio::test]
async fn failed_read_back_keeps_published_post() {
    let server = MockServer::start().await;
    mount_image_container(&server).await;
    mount_status(
        &server,
        CONTAINER_ID,
        vec![json_fixture(200, "status_finished.json")],
        1,
    )
    .await;
    mount_publish(
        &server,
        CONTAINER_ID,
        json_fixture(200, "publish_ok.json"),
        1,
    )
    .await;
    mount_read_back(
        &server,
        ResponseTemplate::new(400).set_body_raw(fixture("error_190_463.json"), "application/json"),
        1,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let published = client(&server, &timer)
        .publish_image(&post())
        .await
        .expect("still published");

    assert_eq!(published.media_id.as_deref(), Some(MEDIA_ID));
    assert_eq!(published.permalink, None);
}

#[tokio::test]
async fn throttled_publish_skips_container_read() {
    let server = MockServer::start().await;
    mount_image_container(&server).await;
    let reads = mount_status(
        &server,
        CONTAINER_ID,
        vec![json_fixture(200, "status_finished.json")],
        1,
    )
    .await;
    let throttled = ResponseTemplate::new(429).insert_header("retry-after", "0");
    mount_publish(&server, CONTAINER_ID, throttled, 2).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = builder(&server, &timer)
        .retry_policy(social_core::RetryPolicy::default().with_max_attempts(2))
        .build()
        .expect("client")
        .publish_image(&post())
        .await
        .expect_err("throttled");

    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert_eq!(error.delivery(), None, "a 429 was turned away");
    assert_eq!(reads.load(Ordering::SeqCst), 1, "no read after a 429");
}

#[tokio::test]
async fn accepted_publish_never_sent_again() {
    let server = MockServer::start().await;
    mount_image_container(&server).await;
    let reads = mount_status(
        &server,
        CONTAINER_ID,
        vec![json_fixture(200, "status_finished.json")],
        2,
    )
    .await;
    let unusable = ResponseTemplate::new(200).set_body_raw("{\"id\":\"1792", "application/json");
    mount_publish(&server, CONTAINER_ID, unusable, 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = client(&server, &timer)
        .publish_image(&post())
        .await
        .expect_err("outcome unknown");

    assert_eq!(error.delivery(), Some(Delivery::Unknown));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(reads.load(Ordering::SeqCst), 2, "the container was read");
}

#[tokio::test]
async fn non_numeric_media_id_resolved_by_container() {
    let server = MockServer::start().await;
    mount_image_container(&server).await;
    let statuses = vec![
        json_fixture(200, "status_finished.json"),
        json_fixture(200, "status_published.json"),
    ];
    mount_status(&server, CONTAINER_ID, statuses, 2).await;
    let odd = ResponseTemplate::new(200).set_body_json(json!({"id": "../../me"}));
    mount_publish(&server, CONTAINER_ID, odd, 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let published = client(&server, &timer)
        .publish_image(&post())
        .await
        .expect("the container reads PUBLISHED");

    assert!(published.recovered);
    assert_eq!(published.media_id, None, "the odd id is not kept");
}
