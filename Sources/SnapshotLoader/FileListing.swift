#if canImport(Glibc)
import Glibc
#endif

/// The files of a folder snapshot, listed with the system's directory calls.
///
/// `FileManager`'s enumerator took 120–200 ms for the 10,000 files of a benchmark folder, on one thread before
/// any file was read; `readdir` lists them in a few milliseconds. What is listed is the same: every entry at any
/// depth, hidden ones too, not following links to folders (a link to a file is listed like a file).
enum FileListing {
    /// What a listing found.
    struct Listing: Equatable {
        /// `folder + "/" + relative path` of each file, sorted.
        var files: [String] = []
        /// The folders that exist but could not be opened, each with why: their files are unknown, so a snapshot
        /// listed without them is not the whole snapshot. Sorted by path.
        var unlistable: [Unlistable] = []
    }

    struct Unlistable: Equatable {
        var path: String
        /// Why, in words for a message.
        var reason: String
    }

    /// Each file under `folder` whose name ends with one of `suffixes` (compared in lower case), and the folders on
    /// the way that could not be opened. A missing `folder` is an empty listing.
    static func files(under folder: String, endingWith suffixes: [String]) -> Listing {
        var found: [String] = []
        var unlistable: [Unlistable] = []
        var folders = [folder]
        while let current = folders.popLast() {
            guard let directory = opendir(current) else {
                let error = errno
                if current != folder || error != ENOENT { unlistable.append(Unlistable(path: current, reason: FileListing.reason(error))) }
                continue
            }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                    String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                let path = current + "/" + name
                switch kind(of: entry.pointee.d_type, at: path) {
                case .folder: folders.append(path)
                case .other:
                    let lower = name.lowercased()
                    if suffixes.contains(where: { lower.hasSuffix($0) }) { found.append(path) }
                }
            }
        }
        return Listing(files: found.sorted(), unlistable: unlistable.sorted { $0.path < $1.path })
    }

    private static func reason(_ error: Int32) -> String {
        switch error {
        case EACCES, EPERM: "没有读取权限"
        case ENAMETOOLONG: "路径太长"
        case ENOENT: "列出时已不存在"
        case EMFILE, ENFILE: "打开的文件太多"
        default: "系统错误 \(error)"
        }
    }

    private enum Kind { case folder, other }

    /// A folder (not a link to one) or anything else; asks the file system when the entry does not say.
    private static func kind(of type: UInt8, at path: String) -> Kind {
        if type == UInt8(DT_DIR) { return .folder }
        if type != UInt8(DT_UNKNOWN) { return .other }
        var status = stat()
        guard lstat(path, &status) == 0 else { return .other }
        return status.st_mode & S_IFMT == S_IFDIR ? .folder : .other
    }
}
