//! Fault injection for the API stand-in (the `faults` feature): queued faults,
//! failing and slow pages, a delay before every answer, revoking every token
//! issued so far, and counters per endpoint, per page and per status answered.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

use crate::api::{DEVICES_PATH, is_api_path, page_of};
use crate::faults::{self, Fault, SeenRequest};
use crate::http::{ApiRequest, Conn};
use crate::{Emulator, Shared, lock};

/// A fault answered to the next `remaining` requests for one page.
struct PageFault {
    fault: Fault,
    remaining: usize,
}

/// The API fault state of one emulator.
#[derive(Default)]
pub(crate) struct ApiKnobs {
    queue: Mutex<VecDeque<Fault>>,
    page_faults: Mutex<HashMap<usize, PageFault>>,
    page_delays: Mutex<HashMap<usize, Duration>>,
    delay_nanos: AtomicU64,
    by_endpoint: Mutex<HashMap<String, usize>>,
    by_page: Mutex<HashMap<usize, usize>>,
    by_status: Mutex<HashMap<u16, usize>>,
    issued: Mutex<Vec<String>>,
    last: Mutex<Option<SeenRequest>>,
}

/// The endpoint a request counts for: `GET /devices/v2`, `PUT /devices/v2/{id}`.
fn endpoint_of(req: &ApiRequest) -> String {
    if req.path == DEVICES_PATH {
        format!("{} {DEVICES_PATH}", req.method)
    } else if is_api_path(&req.path) {
        format!("{} {DEVICES_PATH}/{{id}}", req.method)
    } else {
        format!("{} {}", req.method, req.path)
    }
}

impl ApiKnobs {
    /// Counts and records `req`, waits its delays, and answers a fault for it
    /// if one is due: true when the connection has been answered.
    pub(crate) fn intercept(
        &self,
        stream: &mut dyn Conn,
        shared: &Shared,
        req: &ApiRequest,
    ) -> bool {
        *lock(&self.by_endpoint).entry(endpoint_of(req)).or_default() += 1;
        // The device stand-in's faults only: other paths sharing this channel
        // (the console's) are counted, never answered with a device fault.
        if !is_api_path(&req.path) {
            return false;
        }
        *lock(&self.last) = Some(SeenRequest {
            method: req.method.clone(),
            path: req.path.clone(),
            query: req.query.clone(),
            headers: req.headers.clone(),
            body: req.body.clone(),
        });
        let page = (req.path == DEVICES_PATH)
            .then(|| page_of(&req.query).ok().map(|(p, _)| p))
            .flatten();
        if let Some(p) = page {
            *lock(&self.by_page).entry(p).or_default() += 1;
        }
        let mut fault = lock(&self.queue).pop_front();
        if fault.is_none()
            && let Some(p) = page
        {
            let mut faults = lock(&self.page_faults);
            if let Some(pf) = faults.get_mut(&p) {
                fault = Some(pf.fault.clone());
                pf.remaining = pf.remaining.saturating_sub(1);
                if pf.remaining == 0 {
                    faults.remove(&p);
                }
            }
        }
        // Locks released before sleeping, so that delayed requests overlap.
        let mut delay = Duration::from_nanos(self.delay_nanos.load(Ordering::SeqCst));
        if let Some(p) = page
            && let Some(d) = lock(&self.page_delays).get(&p)
        {
            delay += *d;
        }
        if !delay.is_zero() {
            thread::sleep(delay);
        }
        let Some(fault) = fault else {
            return false;
        };
        // Counted before answering: a client may look as soon as it has read.
        if let Some(status) = fault.status_code() {
            self.count_status(status);
        }
        faults::answer(stream, shared, fault);
        true
    }

    pub(crate) fn count_status(&self, status: u16) {
        *lock(&self.by_status).entry(status).or_default() += 1;
    }

    pub(crate) fn record_issued(&self, token: &str) {
        lock(&self.issued).push(token.to_owned());
    }
}

impl Emulator {
    /// Queues a fault for the API: each API request takes the next one, if
    /// any, and answers it instead of the stand-in.
    pub fn push_api_fault(&self, f: Fault) {
        lock(&self.shared.api_knobs.queue).push_back(f);
    }

    /// Answers `fault` to the next `times` requests for page `page` of the
    /// device list (after any queued [`Emulator::push_api_fault`]).
    pub fn fail_page(&self, page: usize, fault: Fault, times: usize) {
        if times > 0 {
            lock(&self.shared.api_knobs.page_faults).insert(
                page,
                PageFault {
                    fault,
                    remaining: times,
                },
            );
        }
    }

    /// Waits `d` more before answering every request for page `page` (pages
    /// then answer out of order).
    pub fn delay_page(&self, page: usize, d: Duration) {
        lock(&self.shared.api_knobs.page_delays).insert(page, d);
    }

    /// Waits `d` before answering every API request.
    pub fn set_api_delay(&self, d: Duration) {
        let nanos = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.shared
            .api_knobs
            .delay_nanos
            .store(nanos, Ordering::SeqCst);
    }

    /// Revokes every access token issued so far (the current one of every
    /// client): the API refuses them with 401 and they no longer verify.
    /// Returns how many.
    pub fn revoke_issued(&self) -> usize {
        let issued = lock(&self.shared.api_knobs.issued).clone();
        for token in &issued {
            self.revoke(token);
        }
        issued.len()
    }

    /// API requests received for `endpoint`, e.g. `"GET /devices/v2"`,
    /// `"GET /devices/v2/{id}"`, `"PUT /devices/v2/{id}"`, whatever the answer.
    pub fn api_requests(&self, endpoint: &str) -> usize {
        lock(&self.shared.api_knobs.by_endpoint)
            .get(endpoint)
            .copied()
            .unwrap_or(0)
    }

    /// Requests received for page `page` of the device list.
    pub fn page_requests(&self, page: usize) -> usize {
        lock(&self.shared.api_knobs.by_page)
            .get(&page)
            .copied()
            .unwrap_or(0)
    }

    /// API answers sent with `status`, faults included.
    pub fn api_answers(&self, status: u16) -> usize {
        lock(&self.shared.api_knobs.by_status)
            .get(&status)
            .copied()
            .unwrap_or(0)
    }

    /// The last API request, as read (its query in `query`).
    pub fn last_api_request(&self) -> Option<SeenRequest> {
        lock(&self.shared.api_knobs.last).clone()
    }
}
