//! Capture files that arrive as a stream: a pipe (`tcpdump -w - | node script.js`), a FIFO, a
//! socket or a character device. libpcap reads a file with blocking `fread`s, so on such an input
//! the capture thread would wait in `read(2)` while holding the packets of an unfinished batch
//! (they reached JavaScript only once 64 KiB had arrived), and `close()` could not stop it (the
//! process did not exit). These inputs are read through a stdio stream whose reads come from here
//! (`fopencookie`): before a read would wait for input it hands the capture thread's batch over
//! (the [`Hook`]), and while it waits it asks the hook every 100 ms whether the session has
//! stopped. Only the capture thread reads with a hook lent; the one read without it, of the file
//! header while the session opens, waits as a plain read would (nothing can close the session
//! before it exists).

use std::ffi::{c_char, c_int, c_void};
use std::io;
use std::os::fd::RawFd;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// How often a read waiting for input checks whether the session has stopped.
const STOP_CHECK_MS: c_int = 100;

/// What the capture thread lends the stream's reads while it reads: hand its batch over, and say
/// whether it must stop (its session closed, or its JavaScript environment is gone).
#[derive(Clone, Copy)]
pub struct Hook {
    pub data: *const (),
    pub flush: unsafe fn(*const ()),
    pub should_stop: unsafe fn(*const ()) -> bool,
}

struct State {
    fd: RawFd,
    hook: Option<Hook>,
}

/// The reading thread's handle on an open stream's state. The stream owns the state and frees it
/// when it is closed (`fclose`, or `pcap_close` once libpcap owns the stream).
pub struct StreamHandle {
    state: *mut State,
}

// SAFETY: the handle moves to the capture thread together with the stream it belongs to, and only
// the thread that reads the stream uses it.
unsafe impl Send for StreamHandle {}

impl StreamHandle {
    /// Lends `hook` to the stream's reads, or takes it back (`None`).
    ///
    /// # Safety
    /// The stream must still be open, the caller must be the thread that reads it and not be
    /// inside one of its reads, and whatever `hook` points at must stay valid until the hook is
    /// taken back.
    pub unsafe fn set_hook(&self, hook: Option<Hook>) {
        // SAFETY: per the contract above, the state is alive and nobody else uses it now.
        unsafe { (*self.state).hook = hook };
    }
}

#[cfg(target_os = "linux")]
#[repr(C)]
struct CookieIoFunctions {
    read: Option<unsafe extern "C" fn(*mut c_void, *mut c_char, usize) -> isize>,
    write: Option<unsafe extern "C" fn(*mut c_void, *const c_char, usize) -> isize>,
    seek: Option<unsafe extern "C" fn(*mut c_void, *mut i64, c_int) -> c_int>,
    close: Option<unsafe extern "C" fn(*mut c_void) -> c_int>,
}

#[cfg(target_os = "linux")]
extern "C" {
    fn fopencookie(
        cookie: *mut c_void,
        mode: *const c_char,
        funcs: CookieIoFunctions,
    ) -> *mut libc::FILE;
}

#[cfg(target_os = "linux")]
fn set_errno(e: c_int) {
    // SAFETY: __errno_location returns this thread's errno.
    unsafe { *libc::__errno_location() = e };
}

#[cfg(target_os = "linux")]
unsafe extern "C" fn cookie_read(cookie: *mut c_void, buf: *mut c_char, size: usize) -> isize {
    // SAFETY: `cookie` is the `State` given to fopencookie, alive until `cookie_close`; stdio calls
    // its stream's functions from the one thread that reads it, never two at once.
    let st = unsafe { &*cookie.cast::<State>() };
    let mut waited = false;
    loop {
        let mut pfd = libc::pollfd {
            fd: st.fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let timeout = if waited { STOP_CHECK_MS } else { 0 };
        // SAFETY: one valid pollfd.
        let ready = unsafe { libc::poll(&mut pfd, 1, timeout) };
        if ready > 0 {
            // SAFETY: stdio hands a buffer of `size` writable bytes.
            let n = unsafe { libc::read(st.fd, buf.cast(), size) };
            if n >= 0 {
                return n;
            }
            let e = io::Error::last_os_error().raw_os_error().unwrap_or(0);
            if e != libc::EINTR && e != libc::EAGAIN {
                return -1;
            }
        } else if ready < 0 && io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            return -1;
        }
        // A panic must not unwind out of this C callback (it would abort the process): it ends
        // the read as an I/O error instead, which the capture thread reports.
        if !waited {
            // Nothing to read now: hand over what was read so far before waiting.
            waited = true;
            if let Some(h) = st.hook {
                // SAFETY: the reading thread lent the hook and keeps its target alive until it
                // takes the hook back (`StreamHandle::set_hook`).
                let flushed = catch_unwind(AssertUnwindSafe(|| unsafe { (h.flush)(h.data) }));
                if flushed.is_err() {
                    set_errno(libc::EIO);
                    return -1;
                }
            }
        }
        let stop = st.hook.is_some_and(|h| {
            // SAFETY: as for `flush` above.
            catch_unwind(AssertUnwindSafe(|| unsafe { (h.should_stop)(h.data) })).unwrap_or(true)
        });
        if stop {
            set_errno(libc::EINTR);
            return -1;
        }
    }
}

#[cfg(target_os = "linux")]
unsafe extern "C" fn cookie_close(cookie: *mut c_void) -> c_int {
    // SAFETY: `cookie` came from Box::into_raw in `open_stream`; stdio calls close exactly once.
    let st = unsafe { Box::from_raw(cookie.cast::<State>()) };
    // SAFETY: the descriptor is owned by the state and closed only here.
    unsafe { libc::close(st.fd) }
}

/// Whether reads of a file of this `st_mode` can wait for input indefinitely (a pipe, FIFO,
/// socket or terminal) rather than end at the end of a file.
#[cfg(target_os = "linux")]
pub fn waits_for_input(mode: libc::mode_t) -> bool {
    matches!(
        mode & libc::S_IFMT,
        libc::S_IFIFO | libc::S_IFSOCK | libc::S_IFCHR
    )
}

/// A read stream over `fd` (which it takes over) with the reads above.
#[cfg(target_os = "linux")]
pub fn open_stream(fd: RawFd) -> io::Result<(*mut libc::FILE, StreamHandle)> {
    let state = Box::into_raw(Box::new(State { fd, hook: None }));
    let funcs = CookieIoFunctions {
        read: Some(cookie_read),
        write: None,
        seek: None,
        close: Some(cookie_close),
    };
    // SAFETY: `state` stays valid until stdio calls `cookie_close`; `funcs` has the layout of
    // glibc's cookie_io_functions_t (four function pointers).
    let fp = unsafe { fopencookie(state.cast(), c"rb".as_ptr(), funcs) };
    if fp.is_null() {
        let e = io::Error::last_os_error();
        // SAFETY: the stream was not made, so the state and the descriptor are still ours.
        unsafe {
            drop(Box::from_raw(state));
            libc::close(fd);
        }
        return Err(e);
    }
    Ok((fp, StreamHandle { state }))
}

/// Elsewhere (no `fopencookie`) stream inputs are read as files are.
#[cfg(not(target_os = "linux"))]
pub fn waits_for_input(_mode: libc::mode_t) -> bool {
    false
}

#[cfg(not(target_os = "linux"))]
pub fn open_stream(_fd: RawFd) -> io::Result<(*mut libc::FILE, StreamHandle)> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn pipe() -> (RawFd, RawFd) {
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for the two descriptors.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        (fds[0], fds[1])
    }

    fn write_all(fd: RawFd, data: &[u8]) {
        // SAFETY: `data` is readable for its length.
        let n = unsafe { libc::write(fd, data.as_ptr().cast(), data.len()) };
        assert_eq!(n, data.len() as isize);
    }

    struct Lent {
        flushes: Cell<u32>,
        stop_after: u32,
        asked: Cell<u32>,
    }

    unsafe fn flush(data: *const ()) {
        // SAFETY: the tests lend a `Lent` that outlives the reads.
        let l = unsafe { &*data.cast::<Lent>() };
        l.flushes.set(l.flushes.get() + 1);
    }

    unsafe fn should_stop(data: *const ()) -> bool {
        // SAFETY: as above.
        let l = unsafe { &*data.cast::<Lent>() };
        l.asked.set(l.asked.get() + 1);
        l.asked.get() > l.stop_after
    }

    #[test]
    fn reads_hand_over_before_waiting_and_give_up_when_told_to_stop() {
        let (r, w) = pipe();
        // SAFETY: an all-zero `stat` is a valid value to be overwritten; `st` is a valid
        // out-pointer.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        assert_eq!(unsafe { libc::fstat(r, &mut st) }, 0);
        assert!(waits_for_input(st.st_mode));
        let (fp, handle) = open_stream(r).expect("stream");
        let lent = Lent {
            flushes: Cell::new(0),
            stop_after: 2,
            asked: Cell::new(0),
        };
        let hook = Hook {
            data: (&lent as *const Lent).cast(),
            flush,
            should_stop,
        };
        // SAFETY: the stream is open, this thread reads it, and `lent` outlives the hook.
        unsafe { handle.set_hook(Some(hook)) };
        write_all(w, b"abcd");
        let mut buf = [0u8; 4];
        // SAFETY: `fp` is open; `buf` has 4 bytes.
        let n = unsafe { libc::fread(buf.as_mut_ptr().cast(), 1, 4, fp) };
        assert_eq!((n, &buf), (4, b"abcd"));
        assert_eq!(lent.flushes.get(), 0, "data was there: no hand-over");
        // Nothing more to read: one hand-over, then waits until the hook says stop.
        let t0 = std::time::Instant::now();
        // SAFETY: as above.
        let n = unsafe { libc::fread(buf.as_mut_ptr().cast(), 1, 4, fp) };
        assert_eq!(n, 0);
        // SAFETY: `fp` is open.
        assert_ne!(unsafe { libc::ferror(fp) }, 0, "a stop reads as an error");
        assert_eq!(lent.flushes.get(), 1);
        assert_eq!(lent.asked.get(), 3);
        assert!(t0.elapsed() < std::time::Duration::from_secs(2));
        // SAFETY: the hook is taken back before `lent` goes; the stream closes its descriptor.
        unsafe {
            handle.set_hook(None);
            libc::fclose(fp);
            libc::close(w);
        }
    }

    #[test]
    fn a_stop_from_another_thread_ends_a_wait_and_the_end_of_input_reads_as_eof() {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;

        unsafe fn no_flush(_: *const ()) {}
        unsafe fn stopped(data: *const ()) -> bool {
            // SAFETY: the test lends an `AtomicBool` that outlives the reads.
            unsafe { &*data.cast::<AtomicBool>() }.load(Ordering::Acquire)
        }
        let (r, w) = pipe();
        let (fp, handle) = open_stream(r).expect("stream");
        let stop = Arc::new(AtomicBool::new(false));
        let hook = Hook {
            data: Arc::as_ptr(&stop).cast(),
            flush: no_flush,
            should_stop: stopped,
        };
        // SAFETY: the stream is open, this thread reads it, and `stop` outlives the hook.
        unsafe { handle.set_hook(Some(hook)) };
        let setter = {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(150));
                stop.store(true, Ordering::Release);
            })
        };
        let mut buf = [0u8; 4];
        // SAFETY: `fp` is open; `buf` has 4 bytes.
        let n = unsafe { libc::fread(buf.as_mut_ptr().cast(), 1, 4, fp) };
        assert_eq!(n, 0);
        let _ = setter.join();
        // SAFETY: the hook is taken back while `stop` lives; `fp` is open, then closed once.
        unsafe {
            handle.set_hook(None);
            libc::fclose(fp);
        }

        let (r, w2) = pipe();
        let (fp, _handle) = open_stream(r).expect("stream");
        write_all(w2, b"xy");
        // SAFETY: `w2` is ours; closing it ends the input.
        unsafe { libc::close(w2) };
        // SAFETY: `fp` is open; `buf` has 4 bytes.
        let n = unsafe { libc::fread(buf.as_mut_ptr().cast(), 1, 4, fp) };
        assert_eq!((n, &buf[..2]), (2, &b"xy"[..]));
        // SAFETY: `fp` is open, then closed once; `w` is ours.
        unsafe {
            assert_ne!(libc::feof(fp), 0);
            libc::fclose(fp);
            libc::close(w);
        }
    }
}
