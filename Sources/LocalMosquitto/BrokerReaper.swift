import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Kills every broker this process started when the process exits.
///
/// A broker object normally stops its process in `stop()` or `deinit`, but objects still alive
/// at exit (a test that failed before its cleanup, the demo ended by a signal) never run
/// `deinit`, and the broker would outlive its owner holding a port. The `atexit` hook is the
/// one place left to catch those.
enum BrokerReaper {
    private static let running = Mutex<Set<Int32>>([])
    private static let installed = Mutex(false)

    static func track(_ pid: Int32) {
        let install = self.installed.withLock { installed -> Bool in
            defer { installed = true }
            return !installed
        }
        if install {
            atexit {
                for pid in BrokerReaper.running.withLock({ $0 }) {
                    kill(pid, SIGKILL)
                }
            }
        }
        self.running.withLock { _ = $0.insert(pid) }
    }

    static func forget(_ pid: Int32) {
        self.running.withLock { _ = $0.remove(pid) }
    }
}
