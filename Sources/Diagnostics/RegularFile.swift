#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads that refuse anything but a regular file.
///
/// A named pipe (FIFO) among the input files made `FileManager.contents(atPath:)` wait for a writer forever, and a
/// device such as `/dev/zero` never ends. The file is opened without blocking and examined through the open
/// descriptor, so what is checked is what is read (a pipe swapped in after a `stat` cannot slip through).
public enum RegularFile {
    /// The bytes of the regular file at `path` (a symbolic link is followed); nil when it does not exist, cannot be
    /// read, or is a folder, a pipe, a socket or a device.
    public static func bytes(at path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(max(0, Int(status.st_size)))
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, chunk) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            bytes.append(contentsOf: buffer[0..<count])
        }
    }

    /// Why `bytes(at:)` gave nothing for `path`, in words for a message.
    public static func reason(at path: String) -> String {
        var status = stat()
        guard stat(path, &status) == 0 else { return errno == EACCES ? "没有访问权限" : "文件不存在" }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return "没有读取权限"
        case S_IFDIR: return "这是文件夹，不是文件"
        case S_IFIFO: return "这是命名管道（FIFO），不是普通文件"
        case S_IFSOCK: return "这是套接字，不是普通文件"
        case S_IFCHR, S_IFBLK: return "这是设备文件，不是普通文件"
        default: return "不是普通文件"
        }
    }
}
