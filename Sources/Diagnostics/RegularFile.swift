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
        // Read straight into the array, sized by the file: a fixed zeroed buffer per file cost more than reading
        // the small files it was used for. One byte more than the size notices a file that grew meanwhile.
        var failed = false
        let expected = max(0, Int(status.st_size))
        var bytes = [UInt8](unsafeUninitializedCapacity: expected + 1) { buffer, initialized in
            initialized = 0
            guard let base = buffer.baseAddress else { return }
            while initialized < buffer.count {
                let count = read(descriptor, base + initialized, buffer.count - initialized)
                if count == 0 { return }
                if count < 0 {
                    if errno == EINTR { continue }
                    failed = true
                    return
                }
                initialized += count
            }
        }
        guard !failed else { return nil }
        guard bytes.count > expected else { return bytes }
        // The file is longer than it was when examined: read the rest in chunks.
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            bytes.append(contentsOf: chunk[0..<count])
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
