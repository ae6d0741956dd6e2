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
        /// Finding the file a symbolic link at the report's path points to.
        case resolveLink
        /// Writing to a device or a named pipe, which is written in place.
        case writeThrough
        /// Writing to standard output (what the command did besides, such as recording in the ledger, stands).
        case standardOutput
    }

    /// The report's path.
    public var path: String
    public var operation: Operation
    /// The system's error number.
    public var code: Int32

    public init(path: String, operation: Operation, code: Int32) {
        self.path = path
        self.operation = operation
        self.code = code
    }

    /// The system's description of the error, in Chinese for the usual ones.
    public var reason: String {
        switch code {
        case ENOSPC: "磁盘空间不足"
        case EDQUOT: "超出磁盘配额"
        case EACCES, EPERM: "没有写权限"
        case ENOENT: "文件夹不存在"
        case EROFS: "文件系统是只读的"
        case EISDIR: "这是一个文件夹，请给出报告的文件名"
        case ENOTDIR: "路径中有一段不是文件夹"
        case EIO: "读写设备出错"
        case EPIPE: "读取输出的程序已经退出（管道已关闭）"
        // No system error: the writer asked to change bytes that could not be changed (see `ByteSink.overwrite`).
        case 0: "已写出的部分无法修改（内部错误，请报告此问题）"
        default: String(cString: strerror(code))
        }
    }

    /// What failed, in Chinese first: `无法写入 out/report.json：No such file or directory (cannot write the report)`.
    public var message: String {
        switch operation {
        case .create: "无法写入 \(path)：\(reason) (cannot write the report)"
        case .write: "无法写入 \(path)：\(reason)，原有文件未改动 (cannot write the report)"
        case .rename: "无法写入 \(path)：\(reason) (cannot write the report)"
        case .resolveLink: "无法写入 \(path)：这是符号链接，它指向的文件所在的文件夹不存在或无法访问（\(reason)）(cannot write the report)"
        case .writeThrough: "无法写入 \(path)：\(reason)，报告没有写完 (cannot write the report)"
        case .standardOutput: "无法写入标准输出：\(reason)，输出没有写完 (cannot write to standard output)"
        }
    }
}
