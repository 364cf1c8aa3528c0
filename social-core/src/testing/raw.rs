//! A TCP server on 127.0.0.1 that handles each connection with a scripted
//! action, for faults an HTTP mock cannot produce: a body cut short, a
//! broken gzip stream, a connection closed without a response.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The server's action on one connection, after reading the request.
#[derive(Debug, Clone)]
pub enum RawAction {
    /// Writes these bytes (a whole HTTP response, possibly malformed) and closes.
    Respond(Vec<u8>),
    /// Closes the connection without writing anything.
    Close,
}

impl RawAction {
    /// Builds a response whose `Content-Length` promises more than the body contains.
    pub fn truncated(status: u16, content_type: &str, body: &[u8], promised: usize) -> RawAction {
        let mut bytes = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {promised}\r\nConnection: close\r\n\r\n"
        )
        .into_bytes();
        bytes.extend_from_slice(body);
        RawAction::Respond(bytes)
    }

    /// Builds a complete response with the given headers and body.
    pub fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> RawAction {
        let mut head = format!("HTTP/1.1 {status} X\r\n");
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        ));
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body);
        RawAction::Respond(bytes)
    }
}

/// The scripted server. Each accepted connection takes the next action;
/// when the script runs out, connections are closed at once.
#[derive(Debug)]
pub struct RawServer {
    address: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl RawServer {
    /// Starts the server on an ephemeral port of 127.0.0.1.
    pub async fn start(script: Vec<RawAction>) -> std::io::Result<RawServer> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let requests = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let seen = requests.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let action = script
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .pop_front()
                    .unwrap_or(RawAction::Close);
                let seen = seen.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, action, seen).await;
                });
            }
        });
        Ok(RawServer {
            address,
            requests,
            task,
        })
    }

    /// Returns `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.address)
    }

    /// Returns the request line and headers of every request received.
    pub fn requests(&self) -> Vec<String> {
        self.requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut stream: TcpStream,
    action: RawAction,
    seen: Arc<Mutex<Vec<String>>>,
) -> std::io::Result<()> {
    let head = read_request(&mut stream).await?;
    seen.lock().unwrap_or_else(|p| p.into_inner()).push(head);
    if let RawAction::Respond(bytes) = action {
        stream.write_all(&bytes).await?;
        stream.flush().await?;
    }
    stream.shutdown().await
}

/// Reads a request's head and its `Content-Length` body, so closing the
/// socket afterwards does not reset the connection with unread data.
async fn read_request(stream: &mut TcpStream) -> std::io::Result<String> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(String::from_utf8_lossy(&buffer).into_owned());
        }
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(pos) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let length = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())
                .flatten()
        })
        .unwrap_or(0);
    let mut body_read = buffer.len() - head_end;
    while body_read < length {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            break;
        }
        body_read += read;
    }
    Ok(head)
}
