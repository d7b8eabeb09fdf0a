//! The serving loop's limits over real sockets: silent, half-sent and idle connections
//! are closed, connections over the cap get a 503 while open ones keep being served,
//! and shutdown lets a request in flight finish.

#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use draxis_app::{ConnectionLimits, serve};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

const GET: &[u8] = b"GET /ok HTTP/1.1\r\nHost: localhost\r\n\r\n";

fn limits(max_connections: usize) -> ConnectionLimits {
    ConnectionLimits {
        header_read_timeout: Duration::from_millis(300),
        idle_timeout: Duration::from_millis(600),
        max_connections,
        shutdown_grace: Duration::from_secs(5),
    }
}

/// Serves a two-route router; the returned sender stops it.
async fn start(
    limits: ConnectionLimits,
) -> (SocketAddr, oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    let router = Router::new().route("/ok", get(|| async { "ok" })).route(
        "/slow",
        get(|| async {
            tokio::time::sleep(Duration::from_millis(400)).await;
            "slow"
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(serve(listener, router, limits, async move {
        stopped.await.ok();
    }));
    (address, stop, task)
}

/// Reads until the peer closes (or `within` passes); returns what arrived and whether
/// the peer closed.
async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> (String, bool) {
    let mut received = Vec::new();
    let deadline = Instant::now() + within;
    let mut buffer = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&received).into(), true),
            Ok(Ok(n)) => received.extend_from_slice(&buffer[..n]),
            Err(_) => return (String::from_utf8_lossy(&received).into(), false),
        }
    }
}

/// Sends one request on an open connection and reads one short response.
async fn request(stream: &mut TcpStream, raw: &[u8]) -> String {
    stream.write_all(raw).await.unwrap();
    let mut buffer = [0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(2), stream.read(&mut buffer))
        .await
        .unwrap()
        .unwrap();
    String::from_utf8_lossy(&buffer[..n]).into()
}

#[tokio::test]
async fn silent_half_sent_and_idle_connections_are_closed() {
    let (address, _stop, _task) = start(limits(16)).await;
    let mut silent = TcpStream::connect(address).await.unwrap();
    let mut half_sent = TcpStream::connect(address).await.unwrap();
    half_sent
        .write_all(b"GET /ok HTTP/1.1\r\nHost: loc")
        .await
        .unwrap();
    let mut idle = TcpStream::connect(address).await.unwrap();
    assert!(request(&mut idle, GET).await.starts_with("HTTP/1.1 200"));

    let started = Instant::now();
    for stream in [&mut silent, &mut half_sent, &mut idle] {
        let (_, closed) = read_until_closed(stream, Duration::from_secs(3)).await;
        assert!(closed, "a connection stayed open past the timeouts");
    }
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_cut_off() {
    let (address, _stop, _task) = start(limits(16)).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"POST /ok HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\nabc")
        .await
        .unwrap();
    let (_, closed) = read_until_closed(&mut stream, Duration::from_secs(3)).await;
    assert!(closed, "a stalled body kept its connection open");
}

#[tokio::test]
async fn connections_over_the_cap_get_503_and_open_ones_are_still_served() {
    let (address, _stop, _task) = start(ConnectionLimits {
        header_read_timeout: Duration::from_secs(5),
        idle_timeout: Duration::from_secs(5),
        ..limits(2)
    })
    .await;
    let mut first = TcpStream::connect(address).await.unwrap();
    assert!(request(&mut first, GET).await.starts_with("HTTP/1.1 200"));
    let _second = TcpStream::connect(address).await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;

    let mut third = TcpStream::connect(address).await.unwrap();
    let (answer, closed) = read_until_closed(&mut third, Duration::from_secs(2)).await;
    assert!(closed);
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("Retry-After: 1"), "{answer}");
    assert!(answer.ends_with("too many open connections; try again in a second"));

    assert!(request(&mut first, GET).await.starts_with("HTTP/1.1 200"));
    drop(first);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut fourth = TcpStream::connect(address).await.unwrap();
    assert!(request(&mut fourth, GET).await.starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn shutdown_lets_a_request_in_flight_finish() {
    let (address, stop, task) = start(limits(16)).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.send(()).unwrap();
    let (answer, _) = read_until_closed(&mut stream, Duration::from_secs(3)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("slow"), "{answer}");
    tokio::time::timeout(Duration::from_secs(3), task)
        .await
        .unwrap()
        .unwrap();
    assert!(
        TcpStream::connect(address).await.is_err(),
        "still accepting after shutdown"
    );
}
