#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A report file that could not be written; the file it would have replaced is as it was.
public struct ReportOutputError: Error, Sendable, Equatable {
    public enum Operation: Sendable, Equatable {
        /// Making the temporary file beside the report (the folder is missing, or not writable).
        case create
        /// Writing the report into it (the disk is full, say).
        case write
        /// Putting it in place of the report.
        case rename
    }

    /// The report's path.
    public var path: String
    public var operation: Operation
    /// The system's error number.
    public var code: Int32

    /// The system's description of the error.
    public var reason: String { String(cString: strerror(code)) }

    /// What failed, in Chinese first: `无法写入 out/report.json：No such file or directory (cannot write the report)`.
    public var message: String {
        switch operation {
        case .create: "无法写入 \(path)：文件夹不存在或没有写权限（\(reason)）(cannot write the report)"
        case .write: "无法写入 \(path)：\(reason)，原有文件未改动 (cannot write the report)"
        case .rename: "无法写入 \(path)：\(reason) (cannot write the report)"
        }
    }
}
