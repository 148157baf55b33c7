#pragma once

// The paper tests, one slot per claim of the Raft paper. Elections (§5.1, §5.2, §5.4.1 and the thesis'
// pre-vote and CheckQuorum) are in tst_paper.cpp; log replication and commitment (§5.3, §5.4.2) in
// tst_paper_replication.cpp. The class is declared here, apart from the core's headers, for moc.

#include <QObject>

class TestPaper : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void startsAsFollower_data();
    void startsAsFollower();
    void updatesTermFromMessage_data();
    void updatesTermFromMessage();
    void preVoteLeavesTermAlone();
    void rejectsStaleTerm_data();
    void rejectsStaleTerm();
    void leaderBroadcastsHeartbeat();
    void startsElection_data();
    void startsElection();
    void tallyVotes_data();
    void tallyVotes();
    void votesFirstComeFirstServed_data();
    void votesFirstComeFirstServed();
    void candidateFallsBackToFollower_data();
    void candidateFallsBackToFollower();
    void randomizedElectionTimeouts_data();
    void randomizedElectionTimeouts();
    void leaderStartsReplication();
    void leaderCommitsOnMajority_data();
    void leaderCommitsOnMajority();
    void leaderCommitsPrecedingEntries_data();
    void leaderCommitsPrecedingEntries();
    void followerLearnsCommit_data();
    void followerLearnsCommit();
    void followerChecksConsistency_data();
    void followerChecksConsistency();
    void leaderBacksUpWithHint_data();
    void leaderBacksUpWithHint();
    void truncatesFromFirstConflict_data();
    void truncatesFromFirstConflict();
    void staleAppendNeverTruncates_data();
    void staleAppendNeverTruncates();
    void figure7LogsConverge_data();
    void figure7LogsConverge();
    void voteRequiresUpToDateLog_data();
    void voteRequiresUpToDateLog();
    void figure8CommitsOnlyOwnTerm_data();
    void figure8CommitsOnlyOwnTerm();
    void leaseIgnoresDisruptiveCandidate_data();
    void leaseIgnoresDisruptiveCandidate();
    void leaderWithoutQuorumStepsDown_data();
    void leaderWithoutQuorumStepsDown();
};
