//! An HTTP/1.1 server on 127.0.0.1 that forwards every request to an
//! upstream (a wiremock server) unless a rule drops the connection instead,
//! mid-body and without a response, the way a failing network does.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// Drops the connection of matching requests, a set number of times.
#[derive(Debug, Clone)]
pub struct FaultRule {
    method: Method,
    path_contains: String,
    remaining: usize,
}

impl FaultRule {
    /// Drops the next `times` requests whose method is `method` and whose
    /// path contains `path_contains`. The connection closes after part of the
    /// body has been read, so the client has sent bytes and gets no response.
    pub fn drop_connection(method: Method, path_contains: &str, times: usize) -> FaultRule {
        FaultRule {
            method,
            path_contains: path_contains.to_owned(),
            remaining: times,
        }
    }

    fn matches(&self, method: &Method, path: &str) -> bool {
        self.remaining > 0 && *method == self.method && path.contains(&self.path_contains)
    }
}

#[derive(Debug, Default)]
struct Shared {
    rules: Vec<FaultRule>,
    dropped: usize,
}

/// The forwarding server. Dropping it stops accepting connections.
#[derive(Debug)]
pub struct FaultFront {
    address: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    task: tokio::task::JoinHandle<()>,
}

#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault rule")
    }
}

impl std::error::Error for Dropped {}

impl FaultFront {
    /// Starts forwarding to `upstream` (such as `http://127.0.0.1:PORT`).
    pub async fn start(upstream: &str) -> std::io::Result<FaultFront> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Mutex::new(Shared::default()));
        let client = reqwest::Client::builder()
            .no_proxy()
            .no_gzip()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(std::io::Error::other)?;
        let upstream = upstream.trim_end_matches('/').to_owned();
        let state = shared.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let client = client.clone();
                let upstream = upstream.clone();
                let state = state.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        handle(request, client.clone(), upstream.clone(), state.clone())
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(FaultFront {
            address,
            shared,
            task,
        })
    }

    /// Returns `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Adds a rule.
    pub fn add_rule(&self, rule: FaultRule) {
        self.shared
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .rules
            .push(rule);
    }

    /// Returns how many connections the rules dropped so far.
    pub fn dropped(&self) -> usize {
        self.shared
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .dropped
    }
}

impl Drop for FaultFront {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn handle(
    request: Request<Incoming>,
    client: reqwest::Client,
    upstream: String,
    shared: Arc<Mutex<Shared>>,
) -> Result<Response<Full<Bytes>>, Dropped> {
    let method = request.method().clone();
    let path_and_query = request
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());

    let drop_it = {
        let mut shared = shared.lock().unwrap_or_else(|p| p.into_inner());
        let path = request.uri().path().to_owned();
        match shared.rules.iter_mut().find(|r| r.matches(&method, &path)) {
            Some(rule) => {
                rule.remaining -= 1;
                shared.dropped += 1;
                true
            }
            None => false,
        }
    };

    let (parts, mut body) = request.into_parts();
    if drop_it {
        // Read one frame, so the client has started sending, then fail the
        // service: hyper closes the connection without a response.
        let _ = body.frame().await;
        return Err(Dropped);
    }

    let body = body.collect().await.map_err(|_| Dropped)?.to_bytes();
    let mut forward = client.request(method, format!("{upstream}{path_and_query}"));
    for (name, value) in &parts.headers {
        if name != http::header::HOST {
            forward = forward.header(name, value);
        }
    }
    let answer = forward.body(body).send().await.map_err(|_| Dropped)?;

    let mut response = Response::builder().status(answer.status());
    for (name, value) in answer.headers() {
        if name != http::header::CONTENT_LENGTH && name != http::header::TRANSFER_ENCODING {
            response = response.header(name, value);
        }
    }
    let bytes = answer.bytes().await.map_err(|_| Dropped)?;
    Ok(response.body(Full::new(bytes)).unwrap_or_else(|_| {
        let mut fallback = Response::new(Full::new(Bytes::new()));
        *fallback.status_mut() = StatusCode::BAD_GATEWAY;
        fallback
    }))
}

#[cfg(test)]
mod tests {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;

    #[tokio::test]
    async fn forwards_then_drops_matching_request() {
        let upstream = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/upload/1/append"))
            .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
            .expect(1)
            .mount(&upstream)
            .await;
        let front = FaultFront::start(&upstream.uri()).await.expect("front");
        front.add_rule(FaultRule::drop_connection(Method::POST, "/append", 1));
        let client = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client");
        let url = format!("{}/upload/1/append", front.url());

        let dropped = client.post(&url).body(vec![7u8; 300_000]).send().await;
        let forwarded = client
            .post(&url)
            .body(vec![7u8; 10])
            .send()
            .await
            .expect("forwarded");

        assert!(dropped.is_err(), "first request must fail: {dropped:?}");
        assert_eq!(forwarded.status(), StatusCode::OK);
        assert_eq!(forwarded.text().await.expect("body"), "ok");
        assert_eq!(front.dropped(), 1);
    }
}
