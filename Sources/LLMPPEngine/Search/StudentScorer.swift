import LLMPPCore

/// LLM-Distill-PP as a generation's scorer: the student's prediction of each architecture,
/// free. Before the switch it is the score the search ranks by; after it, shown beside the
/// expensive score.
struct StudentScorer {
    let student: StudentModel
    let space: SearchSpace

    func scores(of population: [Architecture]) throws -> [Double] { try student.predict(population, in: space) }
}
