//! Request and response heads for the validator tests, included with `#[path]` by the test
//! files that build sessions call by call (a whole `common` module would drag in the vector
//! harness) and by the validator benchmark (`benches/benches/validate.rs`). Each file uses what
//! it needs.
#![allow(dead_code)]

use ssert_core::validate::{Request, Response};

/// A GET request sent at `t` ms with `Accept: text/event-stream`, and `Last-Event-ID` when given.
pub fn request(t: u64, last_event_id: Option<&str>) -> Request {
    let mut headers = vec![("accept".to_owned(), "text/event-stream".to_owned())];
    if let Some(id) = last_event_id {
        headers.push(("last-event-id".into(), id.into()));
    }
    Request {
        t,
        headers: Some(headers),
        ..Request::default()
    }
}

/// A 200 `text/event-stream` response at `t` ms with the headers no rule warns about.
pub fn response(t: u64) -> Response {
    Response {
        status: 200,
        headers: vec![
            ("content-type".into(), "text/event-stream".into()),
            ("cache-control".into(), "no-cache".into()),
            ("x-accel-buffering".into(), "no".into()),
        ],
        t: Some(t),
    }
}
