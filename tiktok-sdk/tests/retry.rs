//! Retries: `Retry-After`, transient 5xx, refused and dropped connections,
//! and the rule that an init is never sent twice once it may have arrived.

#[path = "support/harness.rs"]
mod harness;

use std::time::Duration;

use harness::{
    CREATOR_INFO, STATUS, VIDEO_INIT, catch_all, json_call, json_fixture, json_fixture_at,
};
use social_core::http::Method;
use social_core::testing::{FaultFront, FaultRule};
use social_core::{Delivery, Error, ErrorKind, MediaSource, Timer};
use tiktok_sdk::{CreatorInfo, PostInfo, PrivacyLevel};
use wiremock::MockServer;

fn pull_post(client: &tiktok_sdk::Client) -> tiktok_sdk::DirectPost<'_> {
    client
        .direct_post(
            MediaSource::url("https://media.example.com/v/a.mp4").expect("url"),
            PostInfo::new(PrivacyLevel::SelfOnly),
        )
        .creator_info(CreatorInfo::new(vec![PrivacyLevel::SelfOnly]))
}

#[tokio::test]
async fn retry_after_seconds_on_init() {
    let server = MockServer::start().await;
    json_call("POST", VIDEO_INIT)
        .respond_with(
            json_fixture(429, "rate_limit_exceeded.json").insert_header("retry-after", "7"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    json_call("POST", VIDEO_INIT)
        .respond_with(json_fixture_at(
            200,
            "video_init_pull_from_url.json",
            &server.uri(),
        ))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();
    let client = harness::client(&server, &timer);

    let started = pull_post(&client)
        .init()
        .await
        .expect("second init after the 429");

    assert_eq!(started.publish_id(), "v_pub_url~v2-1.7301234567890999999");
    assert_eq!(timer.sleeps(), vec![Duration::from_secs(7)]);
}

#[tokio::test]
async fn retry_after_http_date_on_status() {
    let server = MockServer::start().await;
    let timer = harness::timer();
    let date = timer.now();
    let retry_at = date + Duration::from_secs(30);
    json_call("POST", STATUS)
        .respond_with(
            json_fixture(429, "rate_limit_exceeded.json")
                .insert_header("date", httpdate::fmt_http_date(date).as_str())
                .insert_header("retry-after", httpdate::fmt_http_date(retry_at).as_str()),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    json_call("POST", STATUS)
        .respond_with(json_fixture(200, "status_processing_upload.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    harness::client(&server, &timer)
        .fetch_status("v_pub_file~v2-1.1")
        .await
        .expect("after the wait");

    assert_eq!(timer.sleeps(), vec![Duration::from_secs(30)]);
}

#[tokio::test]
async fn retry_after_beyond_cap_returns_at_once() {
    let server = MockServer::start().await;
    json_call("POST", CREATOR_INFO)
        .respond_with(
            json_fixture(429, "rate_limit_exceeded.json").insert_header("retry-after", "900"),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();

    let err = harness::client(&server, &timer)
        .creator_info()
        .await
        .expect_err("too long to wait");

    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(900)));
    assert!(timer.sleeps().is_empty());
}

#[tokio::test]
async fn transient_5xx_on_status_retried() {
    let server = MockServer::start().await;
    for status in [502, 503, 504] {
        json_call("POST", STATUS)
            .respond_with(wiremock::ResponseTemplate::new(status))
            .up_to_n_times(1)
            .with_priority(1)
            .expect(1)
            .mount(&server)
            .await;
    }
    json_call("POST", STATUS)
        .respond_with(json_fixture(200, "status_processing_upload.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();

    harness::client(&server, &timer)
        .fetch_status("v_pub_file~v2-1.1")
        .await
        .expect("fourth attempt");

    let sleeps = timer.sleeps();
    assert_eq!(sleeps.len(), 3);
    let ceilings = [500, 1000, 2000].map(Duration::from_millis);
    for (slept, ceiling) in sleeps.iter().zip(ceilings) {
        assert!(
            *slept <= ceiling,
            "{slept:?} above the backoff ceiling {ceiling:?}"
        );
    }
}

#[tokio::test]
async fn transient_5xx_on_init_not_retried() {
    let server = MockServer::start().await;
    json_call("POST", VIDEO_INIT)
        .respond_with(wiremock::ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();
    let client = harness::client(&server, &timer);

    let err = pull_post(&client).init().await.expect_err("503");

    assert_eq!(err.kind(), ErrorKind::ServerError);
    assert_eq!(err.delivery(), Some(Delivery::Unknown));
    assert!(timer.sleeps().is_empty());
}

#[tokio::test]
async fn connection_refused_retried_as_not_sent() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let timer = harness::timer();
    let client = harness::builder(&format!("http://{address}"), &timer)
        .build()
        .expect("client");

    let err = pull_post(&client)
        .init()
        .await
        .expect_err("nothing listens");

    assert_eq!(err.delivery(), Some(Delivery::NotSent));
    assert_eq!(
        timer.sleeps().len(),
        3,
        "four attempts: a refused init never left the machine"
    );
}

#[tokio::test]
async fn connection_reset_on_init_not_retried() {
    let server = MockServer::start().await;
    json_call("POST", VIDEO_INIT)
        .respond_with(json_fixture(200, "video_init_pull_from_url.json"))
        .expect(0)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let front = FaultFront::start(&server.uri()).await.expect("front");
    front.add_rule(FaultRule::drop_connection(Method::POST, VIDEO_INIT, 1));
    let timer = harness::timer();
    let client = harness::builder(&front.url(), &timer)
        .build()
        .expect("client");

    let err = pull_post(&client).init().await.expect_err("dropped");

    assert!(
        matches!(&err, Error::Transport(t) if t.delivery() == Delivery::Unknown),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("check before sending it again"),
        "{err}"
    );
    assert_eq!(front.dropped(), 1);
    assert!(timer.sleeps().is_empty());
}

#[tokio::test]
async fn connection_reset_on_status_retried() {
    let server = MockServer::start().await;
    json_call("POST", STATUS)
        .respond_with(json_fixture(200, "status_send_to_user_inbox.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let front = FaultFront::start(&server.uri()).await.expect("front");
    front.add_rule(FaultRule::drop_connection(Method::POST, STATUS, 1));
    let timer = harness::timer();
    let client = harness::builder(&front.url(), &timer)
        .build()
        .expect("client");

    let status = client
        .fetch_status("v_inbox_file~v2-1.1")
        .await
        .expect("second attempt");

    assert_eq!(status.status, tiktok_sdk::PostStatus::SendToUserInbox);
    assert_eq!(front.dropped(), 1);
}
