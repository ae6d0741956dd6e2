import GRDB

/// Why the ledger could not do what was asked. Each case has a stable id (`store.<code>`),
/// a Chinese message naming the path or finding, and where it helps, what to do next.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The ledger file does not exist (commands that only read never create one).
    case ledgerMissing(path: String)
    /// The file exists but is not a bianzhi ledger (empty, not SQLite, or another program's database).
    case notALedger(path: String, reason: NotALedgerReason)
    /// The file is a SQLite database marked as a ledger, but SQLite finds it damaged, or tables the ledger needs are missing.
    /// `detail` is what SQLite said (for experts), e.g. `SQLite 11: database disk image is malformed`.
    case damaged(path: String, detail: String)
    /// The file or its folder cannot be opened or created.
    case cannotOpen(path: String, reason: String)
    /// The ledger (or its folder) cannot be written: a change was asked, or SQLite needed to write to read it.
    case readOnly(path: String, detail: String)
    /// The disk is full: the change was rolled back.
    case diskFull(path: String, detail: String)
    /// The operating system failed to read or write the file (a failing disk, a network drive gone).
    case ioError(path: String, detail: String)
    /// A newer bianzhi migrated this ledger; this one does not know its schema.
    case newerSchema(path: String, migrations: [String])
    /// Another process held the ledger for longer than the busy timeout; `detail` is what SQLite said.
    case busy(path: String, waited: Double, detail: String)
    /// A snapshot or rules path to hash could not be read.
    case unreadableInput(path: String)
    /// No finding has this id (or prefix).
    case unknownFinding(String)
    /// Several findings start with this prefix.
    case ambiguousFinding(String, candidates: [String])
    /// The id is not a fingerprint or a prefix of one.
    case invalidFindingID(String)
    /// The action does not apply to a finding in this state.
    case transitionRefused(fingerprint: String, state: LedgerState, action: String, reason: String)
    /// No recorded run has this number.
    case unknownRun(String)
    /// The ledger already holds a later snapshot of the region; recording an older one would undo the cycle.
    case staleSnapshot(asOf: String, latest: String, run: Int64)
    /// Any other SQLite failure, with GRDB's context (code, message, SQL; values redacted).
    case database(path: String, description: String)

    /// `store.<code>`, stable for scripts and tests.
    public var id: String {
        switch self {
        case .ledgerMissing: "store.ledgerMissing"
        case .notALedger: "store.notALedger"
        case .damaged: "store.damaged"
        case .cannotOpen: "store.cannotOpen"
        case .readOnly: "store.readOnly"
        case .diskFull: "store.diskFull"
        case .ioError: "store.ioError"
        case .newerSchema: "store.newerSchema"
        case .busy: "store.busy"
        case .unreadableInput: "store.unreadableInput"
        case .unknownFinding: "store.unknownFinding"
        case .ambiguousFinding: "store.ambiguousFinding"
        case .invalidFindingID: "store.invalidFindingID"
        case .transitionRefused: "store.transitionRefused"
        case .unknownRun: "store.unknownRun"
        case .staleSnapshot: "store.staleSnapshot"
        case .database: "store.database"
        }
    }

    public var message: String {
        switch self {
        case .ledgerMissing(let path):
            "整改台账 '\(path)' 不存在"
        case .notALedger(let path, let reason):
            "'\(path)' 不是 bianzhi 的整改台账（not a bianzhi ledger）：\(reason.text)"
        case .damaged(let path, let detail):
            "整改台账 '\(path)' 已损坏，无法读取（the ledger file is damaged）[\(detail)]"
        case .cannotOpen(let path, let reason):
            "无法打开或创建整改台账 '\(path)'：\(reason)"
        case .readOnly(let path, let detail):
            "整改台账 '\(path)' 是只读的（文件或所在文件夹不可写），不能写入（the ledger is read-only）[\(detail)]"
        case .diskFull(let path, let detail):
            "磁盘空间已满，整改台账 '\(path)' 写入失败，本次未做任何修改（disk full）[\(detail)]"
        case .ioError(let path, let detail):
            "读写整改台账 '\(path)' 时发生输入输出错误（I/O error）[\(detail)]"
        case .newerSchema(let path, let migrations):
            "整改台账 '\(path)' 由更新版本的 bianzhi 写过（未知的迁移：\(migrations.joined(separator: "、"))），本版本不能安全地读写"
        case .busy(let path, let waited, let detail):
            "整改台账 '\(path)' 正被另一个进程写入，等待 \(StoreError.seconds(waited)) 秒后仍未释放，本次未做任何修改 [\(detail)]"
        case .unreadableInput(let path):
            "无法读取 '\(path)'，不能计算内容哈希"
        case .unknownFinding(let id):
            "台账中没有编号为 '\(id)' 的发现"
        case .ambiguousFinding(let id, let candidates):
            "编号 '\(id)' 对应多项发现：\(candidates.joined(separator: "、"))"
        case .invalidFindingID(let id):
            "'\(id)' 不是发现编号（应为 4 至 16 位十六进制数字，即发现指纹或其前缀）"
        case .transitionRefused(let fingerprint, let state, let action, let reason):
            "发现 \(fingerprint) 当前为“\(state.label)”，不能\(action)：\(reason)"
        case .unknownRun(let run):
            "台账中没有第 '\(run)' 次审计"
        case .staleSnapshot(let asOf, let latest, let run):
            "快照数据日期 \(asOf) 早于台账中已记录的第 \(run) 次审计（数据日期 \(latest)），记录它会把已整改的问题重新打开"
        case .database(let path, let description):
            "整改台账 '\(path)' 读写失败 [\(description)]"
        }
    }

    /// What to do next, when there is something to say.
    public var help: String? {
        switch self {
        case .ledgerMissing:
            "先运行 bianzhi audit SNAPSHOT --record 记录一次审计，或用 --ledger 指定台账文件"
        case .notALedger:
            "该文件未被改动。用 --ledger 指定台账文件；要新建台账，指定一个还不存在的文件名（bianzhi audit SNAPSHOT --record 会创建它）"
        case .damaged:
            "该文件未被改动。请用备份的台账替换它；可先用 sqlite3 的 .recover 命令把还能读出的内容导出到另一个文件"
        case .readOnly:
            "查看台账（list、show、diff、runs、export）不需要写权限；要登记审计或交办、销号，请把台账复制到可写的位置，或修改文件和文件夹的权限"
        case .diskFull:
            "腾出磁盘空间后重试"
        case .ioError:
            "检查磁盘、U 盘或网络盘后重试；未完成的修改不会生效"
        case .newerSchema:
            "升级 bianzhi 后再操作；台账未被修改"
        case .busy:
            "等另一个 bianzhi 进程结束后重试；可用环境变量 BIANZHI_LEDGER_TIMEOUT（秒）延长等待"
        case .unknownFinding, .ambiguousFinding, .invalidFindingID:
            "用 bianzhi ledger list 查看编号；编号可只写前几位，只要唯一"
        case .unknownRun:
            "用 bianzhi ledger runs 查看已记录的审计"
        case .staleSnapshot:
            "按数据日期先后记录审计；只想查看旧快照的结果，去掉 --record"
        case .transitionRefused, .cannotOpen, .unreadableInput, .database:
            nil
        }
    }

    public var description: String { "\(message) [\(id)]" }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    /// Maps a GRDB error to the ledger's own cases: a Chinese message for each kind of SQLite failure,
    /// SQLite's own words kept in brackets (`[SQLite 26: file is not a database]`) for experts.
    static func wrapping(_ error: any Error, path: String, busyTimeout: Double) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError {
            let detail = sqliteDetail(error)
            switch error.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return .busy(path: path, waited: busyTimeout, detail: detail)
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                return .damaged(path: path, detail: detail)
            case .SQLITE_READONLY, .SQLITE_PERM:
                return .readOnly(path: path, detail: detail)
            case .SQLITE_FULL:
                return .diskFull(path: path, detail: detail)
            case .SQLITE_IOERR:
                return .ioError(path: path, detail: detail)
            case .SQLITE_CANTOPEN:
                return .cannotOpen(path: path, reason: "SQLite 无法打开该文件（文件或所在文件夹不存在，或没有访问权限）[\(detail)]")
            default:
                return .database(path: path, description: detail)
            }
        }
        return .database(path: path, description: String(describing: error))
    }

    /// `SQLite 11: database disk image is malformed`: the extended result code and SQLite's message, on one line,
    /// clipped (never the SQL or its arguments).
    static func sqliteDetail(_ error: DatabaseError) -> String {
        let message = error.message ?? "\(error.extendedResultCode)"
        return "SQLite \(error.extendedResultCode.rawValue): " + clipped(message)
    }

    /// The first line of `text`, at most 200 characters.
    static func clipped(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.count > 200 ? String(line.prefix(200)) + "…" : line
    }
}

/// Why an existing file is not a ledger.
public enum NotALedgerReason: Sendable, Equatable {
    /// 0 bytes.
    case empty
    /// Does not start with SQLite's header (a text file, random bytes, a snapshot…).
    case notSQLite
    /// A SQLite database without any table.
    case emptyDatabase
    /// Another program's SQLite database.
    case otherDatabase

    var text: String {
        switch self {
        case .empty: "文件是空的（0 字节）"
        case .notSQLite: "不是 SQLite 数据库文件"
        case .emptyDatabase: "是一个没有任何表的 SQLite 数据库"
        case .otherDatabase: "是其他程序的 SQLite 数据库"
        }
    }
}
