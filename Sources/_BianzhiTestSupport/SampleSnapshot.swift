import Foundation

/// A small valid snapshot that tests mutate one line at a time.
public enum SampleSnapshot {
    public static let text = """
    snapshot: v1
    as_of: 2024-06-30
    region:
      code: "999001"
      name: 青禾县
      level: county
      limits: {party_bodies: 11, government_departments: 26}
    institutions:
      - id: QH-JTJ
        name: 青禾县教育和体育局
        category: government_department
        rank: section
        within_limit: true
        approved:
          staffing: {administrative: 2}
          leadership: {principal: 1, deputy: 2}
          internal_units: [办公室, 基础教育股]
        internal_units: [办公室, 基础教育股]
        staff:
          - {id: P001, establishment: administrative, post: principal, post_rank: section}
          - {id: P002, establishment: administrative, joined: 2020-09-01}
      - id: QH-JYZX
        name: 青禾县教育事业发展中心
        category: public_institution
        public_institution_type: public_welfare_1
        rank: vice_section
        within_limit: false
        parent: QH-JTJ
        registration: {status: registered, last_annual_report: 2024-03-15}
        approved:
          staffing: {public_service: 5}
          leadership: {principal: 1, deputy: 1}
        staff:
          - {id: P003, establishment: public_service, working_at: QH-JTJ, seconded_since: 2024-01-02}
    coordination_bodies:
      - {id: QH-WMB, name: 青禾县创建文明城市工作领导小组, established: 2021-03-01, temporary: true, term_ends: 2023-12-31, office_host: QH-JTJ}
    exemptions:
      - {rule: "*", subject: QH-JTJ, document_number: 青编〔2023〕5号, authority: {level: city, body: staffing_committee}, until: 2025-12-31, reason: 改革过渡期}

    """

    /// The header of `Cases/clean-county` (its date, region and limits) with an empty list of institutions and no
    /// coordination bodies: a valid snapshot file with nothing to audit.
    public static func cleanCountyWithoutInstitutions() throws -> String {
        let county = try String(contentsOfFile: TestSupport.path("Cases/clean-county/snapshot.yaml"), encoding: .utf8)
        guard let header = county.range(of: "\ncoordination_bodies:")?.lowerBound else {
            preconditionFailure("Cases/clean-county/snapshot.yaml has no coordination_bodies")
        }
        return String(county[..<header]) + "\ninstitutions: []\n"
    }

    /// The sample with the first occurrence of `old` replaced by `new`.
    public static func replacing(_ old: String, with new: String) -> String {
        guard let range = text.range(of: old) else { preconditionFailure("sample has no \(old)") }
        return text.replacingCharacters(in: range, with: new)
    }
}
