import Diagnostics
import RuleLanguage
import RuleSet
import Schema
import SnapshotLoader

/// One step of an explanation: an expression, its value, and where in the snapshot its inputs are.
public struct ExplanationStep: Sendable {
    public var label: String
    public var expression: String
    public var value: String
    /// Snapshot paths read by the expression (`it.approved.staffing.administrative`), the value read there (as a reader
    /// writes it: a label for an enumeration, the size of a list; nil when the path goes through a list or is not a field)
    /// and where it is.
    public var sources: [(path: String, value: String?, location: SourceLocation?)]
}

/// The values behind one rule on one subject, step by step.
public struct Explanation: Sendable {
    /// The conclusion of an evaluation with a step that failed: what the audit reports for it.
    public static let unfinished = "计算未完成：有一步计算错误，审计会把它报告为计算错误"

    public var ruleID: String
    public var title: String
    public var subject: Subject
    public var subjectLocation: SourceLocation?
    public var applies: Bool
    public var reasonNotApplied: String?
    /// For a rule with `each`: the list it goes through, as a step (its value, and where its inputs are).
    public var each: ExplanationStep?
    /// One group of steps per evaluation (several with `each`; none when its list is empty).
    public var evaluations: [(element: String?, steps: [ExplanationStep], violated: Bool, message: String?)]
    public var citations: [String]
    /// The snapshot's exemption that covers a violation of this rule by this subject (as the audit applies it), and whether
    /// it is still in force on the snapshot's date (`exempted`) or has expired (`exemptionExpired`, still a violation).
    public var exemption: (status: FindingStatus, applied: AppliedExemption)?
}

public enum ExplainError: Error, Sendable {
    /// `hint`: what the id is when it is no rule but a subject of the snapshot (the arguments given the wrong way round).
    case unknownRule(String, suggestion: String?, hint: String?)
    /// `otherKind`: what the id is in the snapshot when it is not the rule's kind of subject ("人员（县民政局的名册中）").
    case unknownSubject(String, scope: String, suggestion: String?, otherKind: String?)

    public var message: String {
        switch self {
        case let .unknownRule(id, suggestion, hint):
            "没有规则 '\(id)'" + (hint.map { "：\($0)" } ?? suggestion.map { "；是否要写 '\($0)'？" } ?? "")
        case let .unknownSubject(id, scope, suggestion, otherKind?):
            "'\(id)' 是\(otherKind)，而这条规则检查的是\(scope)；请给出\(scope)的代码" + (suggestion.map { "，如 '\($0)'" } ?? "")
        case let .unknownSubject(id, scope, suggestion, nil):
            "快照中没有\(scope) '\(id)'" + (suggestion.map { "；是否要写 '\($0)'？" } ?? "")
        }
    }
}

extension AuditEngine {
    /// What `id` names in the snapshot when it is no subject of `scope`: its kind in words and, for a person, the
    /// institution whose roster lists the person (for a person, the first such).
    static func kind(of id: String, in snapshot: Snapshot, besides scope: RuleScope?) -> (kind: String, institution: String?)? {
        let idSlot = SnapshotSchema.institution.requiredSlot("id")
        let nameSlot = SnapshotSchema.institution.requiredSlot("name")
        let staffSlot = SnapshotSchema.institution.requiredSlot("staff")
        let personSlot = SnapshotSchema.person.requiredSlot("id")
        if scope != .region, snapshot.region[SnapshotSchema.region.requiredSlot("code")].stringValue == id { return ("地区", nil) }
        for value in snapshot.institutions {
            guard let institution = value.recordValue else { continue }
            let institutionID = institution[idSlot].stringValue ?? ""
            if scope != .institution, institutionID == id { return ("机构", id) }
            if scope != .person, institution[staffSlot].listValue?.contains(where: { $0.recordValue?[personSlot].stringValue == id }) == true {
                return ("人员（\(institution[nameSlot].stringValue ?? institutionID)的名册中）", institutionID)
            }
        }
        if scope != .coordinationBody,
           snapshot.coordinationBodies.contains(where: { $0.recordValue?[SnapshotSchema.coordinationBody.requiredSlot("id")].stringValue == id }) {
            return ("议事协调机构", nil)
        }
        return nil
    }

    /// Explains rule `ruleID` on the subject `subjectID` of `snapshot`.
    public func explain(ruleID: String, subjectID: String, in snapshot: Snapshot) -> Result<Explanation, ExplainError> {
        guard let rule = ruleSet.rules.first(where: { $0.id == ruleID }) else {
            // The arguments the wrong way round (a subject first) are said so.
            if let other = AuditEngine.kind(of: ruleID, in: snapshot, besides: nil) {
                return .failure(.unknownRule(ruleID, suggestion: nil, hint: "'\(ruleID)' 是快照中的\(other.kind)；命令的写法是 bianzhi explain 规则编号 对象代码 快照"))
            }
            return .failure(.unknownRule(ruleID, suggestion: Suggestion.closest(to: ruleID, in: ruleSet.rules.map(\.id)), hint: nil))
        }
        let data = SnapshotData(snapshot, needsRosterIndex: rule.usesRoster, needsRosterList: rule.readsRosterList)
        let citations = citationsInForce(rule, on: snapshot.asOf)
        // Find the subject, with the values `it` and `institution` take.
        var candidates: [(id: String, it: Value, institution: Value?, subject: Subject, mark: ValueMark)] = []
        let idSlot = SnapshotSchema.institution.requiredSlot("id")
        let nameSlot = SnapshotSchema.institution.requiredSlot("name")
        switch rule.scope {
        case .region:
            let region = snapshot.region
            let code = region[SnapshotSchema.region.requiredSlot("code")].stringValue ?? ""
            candidates.append((code, .record(region), nil, Subject(kind: .region, id: code, name: region[SnapshotSchema.region.requiredSlot("name")].stringValue, institution: nil), region.mark))
        case .institution, .person, .event:
            for value in data.institutions {
                guard let institution = value.recordValue else { continue }
                let id = institution[idSlot].stringValue ?? ""
                let name = institution[nameSlot].stringValue
                switch rule.scope {
                case .institution:
                    candidates.append((id, value, nil, Subject(kind: .institution, id: id, name: name, institution: nil), institution.mark))
                case .person:
                    for person in institution[SnapshotSchema.institution.requiredSlot("staff")].listValue ?? [] {
                        guard let record = person.recordValue else { continue }
                        let personID = record[SnapshotSchema.person.requiredSlot("id")].stringValue ?? ""
                        candidates.append((personID, person, value, Subject(kind: .person, id: personID, name: nil, institution: id), record.mark))
                    }
                default:
                    for event in institution[SnapshotSchema.institution.requiredSlot("events")].listValue ?? [] {
                        guard let record = event.recordValue else { continue }
                        let type = record[SnapshotSchema.event.requiredSlot("type")].enumIndex.map { SnapshotSchema.eventType.cases[$0].name } ?? ""
                        let date = record[SnapshotSchema.event.requiredSlot("date")].dateValue?.description ?? ""
                        let eventID = "\(id)/\(type)/\(date)"
                        candidates.append((eventID, event, value, Subject(kind: .event, id: eventID, name: name, institution: id), record.mark))
                    }
                }
            }
        case .coordinationBody:
            for value in data.bodies {
                guard let body = value.recordValue else { continue }
                let id = body[SnapshotSchema.coordinationBody.requiredSlot("id")].stringValue ?? ""
                candidates.append((id, value, nil, Subject(kind: .coordinationBody, id: id, name: body[SnapshotSchema.coordinationBody.requiredSlot("name")].stringValue, institution: nil), body.mark))
            }
        }
        guard let target = candidates.first(where: { $0.id == subjectID }) else {
            let other = AuditEngine.kind(of: subjectID, in: snapshot, besides: rule.scope)
            // For an id of another kind, the suggestion is a subject of the rule's kind that belongs with it.
            var suggestion = Suggestion.closest(to: subjectID, in: candidates.map(\.id))
            if other != nil {
                suggestion = other?.institution.flatMap { owner in candidates.first { $0.id == owner || $0.institution?.recordValue?[idSlot].stringValue == owner }?.id }
                    ?? candidates.first?.id
            }
            return .failure(.unknownSubject(subjectID, scope: rule.scope.label, suggestion: suggestion, otherKind: other?.kind))
        }
        func location(_ mark: ValueMark) -> SourceLocation? {
            snapshot.file(of: mark).map { SourceLocation(path: $0, line: Int(mark.line), column: Int(mark.column)) }
        }
        var explanation = Explanation(ruleID: rule.id, title: rule.title, subject: target.subject, subjectLocation: location(target.mark),
                                      applies: citations != nil, reasonNotApplied: citations == nil ? "数据日期 \(snapshot.asOf) 时规则所引法规尚未施行或规则不在有效期内" : nil,
                                      each: nil, evaluations: [], citations: [])
        guard let citations else { return .success(explanation) }
        var run = RuleRun(rule: rule, data: data, citations: citations, catalog: ruleSet.catalog, stepLimit: stepLimit)
        // `it` and `institution` are read in place: they stay in `bound` for the rest of the explanation.
        let bound = [target.it, target.institution ?? .null]
        return bound.withUnsafeBufferPointer { bound in
            var frame = run.frame
            frame.bind(rule.bindings.it, to: bound.baseAddress)
            if let element = rule.bindings.institution, target.institution != nil { frame.bind(element, to: bound.baseAddress.map { $0 + 1 }) }
            let roots: [String: Value] = ["it": target.it, "institution": target.institution ?? .null, "region": .record(snapshot.region)]
            let types: [String: RecordType] = ["it": rule.scope.recordType, "institution": SnapshotSchema.institution, "region": SnapshotSchema.region]
            func step(_ label: String, _ text: String, _ typed: Typed) -> ExplanationStep {
                step(label, text, type: typed.type, Result { try typed.evaluate(&frame) })
            }
            /// A step whose value is already computed (the `each` list and the named values, also used after their step).
            func step(_ label: String, _ text: String, type: RuleType, _ result: Result<Value, any Error>) -> ExplanationStep {
                let value: String
                switch result {
                case .success(let result):
                    value = result.listValue?.isEmpty == true ? "（空列表）" : ValueFormatting.text(result, type: type)
                case .failure(let error as EvalError):
                    value = "计算错误：\(error.message)"
                case .failure:
                    value = "计算错误"
                }
                let sources = PathTrace.paths(in: text).map { path in
                    let traced = PathTrace.trace(path, roots: roots, types: types)
                    return (path, traced?.value.map(PathTrace.describe), traced?.mark.flatMap(location))
                }
                return ExplanationStep(label: label, expression: text, value: value, sources: sources)
            }
            var elements: [Value?] = [nil]
            if let each = rule.each {
                let list = Result { try each.evaluate(&frame) }
                explanation.each = step("逐一列举 each \(rule.eachName ?? "")", rule.source.each ?? "", type: each.type, list)
                let items = (try? list.get().listValue) ?? []
                elements = items.map { Optional($0) }
                if case .failure = list { explanation.evaluations.append((nil, [], false, Explanation.unfinished)) }
            }
            for element in elements {
                var steps: [ExplanationStep] = []
                var elementText: String?
                if let element, let slot = rule.bindings.each, let type = rule.each?.type.elementType {
                    frame.slots[slot] = element
                    elementText = ValueFormatting.text(element, type: type)
                }
                if let when = rule.when {
                    let whenStep = step("适用条件 when", rule.source.when ?? "", when)
                    steps.append(whenStep)
                    if whenStep.value.hasPrefix("计算错误") {
                        explanation.evaluations.append((elementText, steps, false, Explanation.unfinished))
                        continue
                    }
                    if whenStep.value != "是" {
                        explanation.evaluations.append((elementText, steps, false, "不适用：适用条件不成立"))
                        continue
                    }
                }
                for (index, binding) in rule.bindings.lets.enumerated() {
                    let text = index < rule.source.lets.count ? rule.source.lets[index].expression : ""
                    // Computed once, for its step and for its slot (a second computation would also count its steps twice).
                    let value = Result { try binding.value.evaluate(&frame) }
                    steps.append(step(binding.name, text, type: binding.value.type, value))
                    frame.slots[binding.slot] = (try? value.get()) ?? .null
                }
                let requireStep = step("必须成立 require", rule.source.require, rule.require)
                steps.append(requireStep)
                if steps.contains(where: { $0.value.hasPrefix("计算错误") }) {
                    explanation.evaluations.append((elementText, steps, false, Explanation.unfinished))
                    continue
                }
                let violated = requireStep.value == "否"
                guard violated else {
                    explanation.evaluations.append((elementText, steps, false, nil))
                    continue
                }
                // What the audit computes for a finding, which may fail too: its message, and the key of an element.
                let message = Result { try rule.message.render(&frame) }
                if case .failure(let error) = message {
                    steps.append(step("说明 message", rule.source.message, type: .string, .failure(error)))
                }
                if let key = rule.key, element != nil, case .failure(let error) = Result(catching: { try key.evaluate(&frame) }) {
                    steps.append(step("键 key", rule.source.key ?? "", type: key.type, .failure(error)))
                }
                guard case .success(let text) = message, !steps.contains(where: { $0.value.hasPrefix("计算错误") }) else {
                    explanation.evaluations.append((elementText, steps, false, Explanation.unfinished))
                    continue
                }
                explanation.evaluations.append((elementText, steps, true, text))
            }
            run.frame = frame
            let institutionRecord = (target.institution ?? (rule.scope == .institution ? target.it : .null)).recordValue
            explanation.citations = citations.map { run.resolve($0, institution: institutionRecord).text }
            // What the audit does with a violation: an exemption in the snapshot may cover it.
            if explanation.evaluations.contains(where: \.violated) {
                var probe = Finding(ruleID: rule.id, title: rule.title, severity: rule.severity, status: .violation, subject: target.subject,
                                    key: nil, message: "", citations: [], evidence: [], location: nil, exemption: nil, fingerprint: "")
                Exemptions(snapshot).apply(to: &probe, rule: rule, citations: citations)
                if let applied = probe.exemption { explanation.exemption = (probe.status, applied) }
            }
            return .success(explanation)
        }
    }
}

extension RuleScope {
    var recordType: RecordType {
        switch self {
        case .region: SnapshotSchema.region
        case .institution: SnapshotSchema.institution
        case .person: SnapshotSchema.person
        case .event: SnapshotSchema.event
        case .coordinationBody: SnapshotSchema.coordinationBody
        }
    }
}

/// Finds the snapshot paths an expression reads and where their values were written.
enum PathTrace {
    /// `it.a.b`, `institution.x`, `region.y` paths in an expression's text.
    static func paths(in text: String) -> [String] {
        var result: [String] = []
        let scalars = Array(text.unicodeScalars)
        var index = 0
        func isWord(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isAlphabetic || scalar == "_" || ("0"..."9").contains(scalar) }
        while index < scalars.count {
            guard isWord(scalars[index]), index == 0 || !(isWord(scalars[index - 1]) || scalars[index - 1] == ".") else { index += 1; continue }
            var end = index
            while end < scalars.count, isWord(scalars[end]) || (scalars[end] == "." && end + 1 < scalars.count && isWord(scalars[end + 1])) { end += 1 }
            let word = String(String.UnicodeScalarView(scalars[index..<end]))
            if ["it.", "institution.", "region."].contains(where: { word.hasPrefix($0) }), !result.contains(word) { result.append(word) }
            index = end
        }
        return result
    }

    /// Following record fields from its root: where the value at `path` is (nil when the snapshot does not write it) and the value with its type (nil when the
    /// path does not end on a field of a record: it goes on through a list, or names something else).
    static func trace(_ path: String, roots: [String: Value], types: [String: RecordType])
        -> (mark: ValueMark?, value: (Value, RuleType)?)? {
        let parts = path.split(separator: ".").map(String.init)
        guard let first = parts.first, var value = roots[first], var type = types[first] else { return nil }
        var mark = value.recordValue?.mark
        var fieldType: FieldType?
        for (index, name) in parts.dropFirst().enumerated() {
            guard let record = value.recordValue, let slot = type.slot(of: name) else { return (mark, nil) }
            value = record[slot]
            fieldType = type.fields[slot].type
            let fieldMark = record.mark(at: slot)
            mark = fieldMark.isKnown ? fieldMark : nil
            if case .record(let nested) = type.fields[slot].type {
                type = nested
            } else if index < parts.count - 2 {
                return (mark, nil)
            }
        }
        return (mark, fieldType.map { (value, RuleType(fieldType: $0)) })
    }

    /// A value read from the snapshot, as `explain` shows it beside its place: a list by its size, a record by its kind.
    static func describe(_ traced: (Value, RuleType)) -> String {
        switch traced.0 {
        case .list(let items) where items.isEmpty: "（空列表）"
        // A short list of names or values is shown whole; a roster or a list of events by its size.
        case .list(let items) where items.count <= 8 && !items.contains(where: { $0.recordValue != nil }):
            "\(ValueFormatting.text(traced.0, type: traced.1))（\(items.count) 项）"
        case .list(let items): "（列表，\(items.count) 项）"
        case .record: "（记录）"
        default: ValueFormatting.text(traced.0, type: traced.1)
        }
    }
}
