-- A number that changes whenever anything a person's work queue, or the
-- program catalogue it is built from, could show changes. The home page
-- keeps each person's queue in memory under this number (src/work/kept.rs)
-- and reuses it only while the number is unchanged, so a change made by
-- any `waymark serve` process shows in every process's next request. The
-- number lives in one row, updated in the writing transaction: it becomes
-- visible together with the change, never before it.
--
-- Tables left out change nothing a kept queue shows (mail, digests, jobs,
-- throttles, the audit log, one-time links, reminders sent, the search
-- index's own bookkeeping, the fixed list of states); three are followed
-- only in part, so that reading a page does not make everyone's queue
-- stale: a session's "last seen" stamp, a token's "last used" stamp after
-- its first use, and a forum thread read again with nothing new in it.
-- tests/api/work.rs checks every table is either followed or listed in
-- src/work/kept.rs as left out.
CREATE TABLE data_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO data_version (id, version) VALUES (1, 0);

-- SQLite triggers run per row.
CREATE TRIGGER programs_data_version_insert AFTER INSERT ON programs BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER programs_data_version_update AFTER UPDATE ON programs BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER programs_data_version_delete AFTER DELETE ON programs BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER users_data_version_insert AFTER INSERT ON users BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER users_data_version_update AFTER UPDATE ON users BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER users_data_version_delete AFTER DELETE ON users BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER role_grants_data_version_insert AFTER INSERT ON role_grants BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER role_grants_data_version_update AFTER UPDATE ON role_grants BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER role_grants_data_version_delete AFTER DELETE ON role_grants BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER program_milestones_data_version_insert AFTER INSERT ON program_milestones BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER program_milestones_data_version_update AFTER UPDATE ON program_milestones BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER program_milestones_data_version_delete AFTER DELETE ON program_milestones BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER program_commitments_data_version_insert AFTER INSERT ON program_commitments BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER program_commitments_data_version_update AFTER UPDATE ON program_commitments BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER program_commitments_data_version_delete AFTER DELETE ON program_commitments BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER program_required_sectors_data_version_insert AFTER INSERT ON program_required_sectors BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER program_required_sectors_data_version_update AFTER UPDATE ON program_required_sectors BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER program_required_sectors_data_version_delete AFTER DELETE ON program_required_sectors BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER program_key_questions_data_version_insert AFTER INSERT ON program_key_questions BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER program_key_questions_data_version_update AFTER UPDATE ON program_key_questions BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER program_key_questions_data_version_delete AFTER DELETE ON program_key_questions BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER program_rubric_data_version_insert AFTER INSERT ON program_rubric BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER program_rubric_data_version_update AFTER UPDATE ON program_rubric BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER program_rubric_data_version_delete AFTER DELETE ON program_rubric BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER applications_data_version_insert AFTER INSERT ON applications BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER applications_data_version_update AFTER UPDATE ON applications BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER applications_data_version_delete AFTER DELETE ON applications BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER application_answers_data_version_insert AFTER INSERT ON application_answers BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER application_answers_data_version_update AFTER UPDATE ON application_answers BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER application_answers_data_version_delete AFTER DELETE ON application_answers BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER application_members_data_version_insert AFTER INSERT ON application_members BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER application_members_data_version_update AFTER UPDATE ON application_members BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER application_members_data_version_delete AFTER DELETE ON application_members BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER application_priorities_data_version_insert AFTER INSERT ON application_priorities BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER application_priorities_data_version_update AFTER UPDATE ON application_priorities BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER application_priorities_data_version_delete AFTER DELETE ON application_priorities BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER review_assignments_data_version_insert AFTER INSERT ON review_assignments BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER review_assignments_data_version_update AFTER UPDATE ON review_assignments BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER review_assignments_data_version_delete AFTER DELETE ON review_assignments BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER review_scores_data_version_insert AFTER INSERT ON review_scores BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER review_scores_data_version_update AFTER UPDATE ON review_scores BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER review_scores_data_version_delete AFTER DELETE ON review_scores BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER state_teams_data_version_insert AFTER INSERT ON state_teams BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER state_teams_data_version_update AFTER UPDATE ON state_teams BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER state_teams_data_version_delete AFTER DELETE ON state_teams BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER team_members_data_version_insert AFTER INSERT ON team_members BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER team_members_data_version_update AFTER UPDATE ON team_members BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER team_members_data_version_delete AFTER DELETE ON team_members BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER instruments_data_version_insert AFTER INSERT ON instruments BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER instruments_data_version_update AFTER UPDATE ON instruments BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER instruments_data_version_delete AFTER DELETE ON instruments BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER instrument_levels_data_version_insert AFTER INSERT ON instrument_levels BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER instrument_levels_data_version_update AFTER UPDATE ON instrument_levels BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER instrument_levels_data_version_delete AFTER DELETE ON instrument_levels BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER indicators_data_version_insert AFTER INSERT ON indicators BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER indicators_data_version_update AFTER UPDATE ON indicators BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER indicators_data_version_delete AFTER DELETE ON indicators BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER assessment_rounds_data_version_insert AFTER INSERT ON assessment_rounds BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER assessment_rounds_data_version_update AFTER UPDATE ON assessment_rounds BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER assessment_rounds_data_version_delete AFTER DELETE ON assessment_rounds BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER member_ratings_data_version_insert AFTER INSERT ON member_ratings BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER member_ratings_data_version_update AFTER UPDATE ON member_ratings BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER member_ratings_data_version_delete AFTER DELETE ON member_ratings BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER consensus_ratings_data_version_insert AFTER INSERT ON consensus_ratings BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER consensus_ratings_data_version_update AFTER UPDATE ON consensus_ratings BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER consensus_ratings_data_version_delete AFTER DELETE ON consensus_ratings BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER element_reflections_data_version_insert AFTER INSERT ON element_reflections BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER element_reflections_data_version_update AFTER UPDATE ON element_reflections BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER element_reflections_data_version_delete AFTER DELETE ON element_reflections BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER snapshots_data_version_insert AFTER INSERT ON snapshots BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER snapshots_data_version_update AFTER UPDATE ON snapshots BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER snapshots_data_version_delete AFTER DELETE ON snapshots BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER snapshot_ratings_data_version_insert AFTER INSERT ON snapshot_ratings BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER snapshot_ratings_data_version_update AFTER UPDATE ON snapshot_ratings BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER snapshot_ratings_data_version_delete AFTER DELETE ON snapshot_ratings BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER snapshot_reflections_data_version_insert AFTER INSERT ON snapshot_reflections BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER snapshot_reflections_data_version_update AFTER UPDATE ON snapshot_reflections BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER snapshot_reflections_data_version_delete AFTER DELETE ON snapshot_reflections BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER result_sharing_data_version_insert AFTER INSERT ON result_sharing BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER result_sharing_data_version_update AFTER UPDATE ON result_sharing BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER result_sharing_data_version_delete AFTER DELETE ON result_sharing BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER expertise_data_version_insert AFTER INSERT ON expertise BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER expertise_data_version_update AFTER UPDATE ON expertise BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER expertise_data_version_delete AFTER DELETE ON expertise BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER activities_data_version_insert AFTER INSERT ON activities BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER activities_data_version_update AFTER UPDATE ON activities BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER activities_data_version_delete AFTER DELETE ON activities BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER activity_states_data_version_insert AFTER INSERT ON activity_states BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER activity_states_data_version_update AFTER UPDATE ON activity_states BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER activity_states_data_version_delete AFTER DELETE ON activity_states BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER activity_people_data_version_insert AFTER INSERT ON activity_people BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER activity_people_data_version_update AFTER UPDATE ON activity_people BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER activity_people_data_version_delete AFTER DELETE ON activity_people BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER action_items_data_version_insert AFTER INSERT ON action_items BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER action_items_data_version_update AFTER UPDATE ON action_items BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER action_items_data_version_delete AFTER DELETE ON action_items BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER plans_data_version_insert AFTER INSERT ON plans BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER plans_data_version_update AFTER UPDATE ON plans BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER plans_data_version_delete AFTER DELETE ON plans BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_goals_data_version_insert AFTER INSERT ON plan_goals BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_goals_data_version_update AFTER UPDATE ON plan_goals BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_goals_data_version_delete AFTER DELETE ON plan_goals BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_steps_data_version_insert AFTER INSERT ON plan_steps BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_steps_data_version_update AFTER UPDATE ON plan_steps BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_steps_data_version_delete AFTER DELETE ON plan_steps BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_milestones_data_version_insert AFTER INSERT ON plan_milestones BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_milestones_data_version_update AFTER UPDATE ON plan_milestones BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_milestones_data_version_delete AFTER DELETE ON plan_milestones BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_updates_data_version_insert AFTER INSERT ON plan_updates BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_updates_data_version_update AFTER UPDATE ON plan_updates BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_updates_data_version_delete AFTER DELETE ON plan_updates BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_evidence_data_version_insert AFTER INSERT ON plan_evidence BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_evidence_data_version_update AFTER UPDATE ON plan_evidence BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER plan_evidence_data_version_delete AFTER DELETE ON plan_evidence BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER peer_groups_data_version_insert AFTER INSERT ON peer_groups BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER peer_groups_data_version_update AFTER UPDATE ON peer_groups BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER peer_groups_data_version_delete AFTER DELETE ON peer_groups BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER peer_group_states_data_version_insert AFTER INSERT ON peer_group_states BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER peer_group_states_data_version_update AFTER UPDATE ON peer_group_states BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER peer_group_states_data_version_delete AFTER DELETE ON peer_group_states BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER exchange_partners_data_version_insert AFTER INSERT ON exchange_partners BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER exchange_partners_data_version_update AFTER UPDATE ON exchange_partners BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER exchange_partners_data_version_delete AFTER DELETE ON exchange_partners BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER exchange_items_data_version_insert AFTER INSERT ON exchange_items BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER exchange_items_data_version_update AFTER UPDATE ON exchange_items BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER exchange_items_data_version_delete AFTER DELETE ON exchange_items BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER exchange_item_topics_data_version_insert AFTER INSERT ON exchange_item_topics BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER exchange_item_topics_data_version_update AFTER UPDATE ON exchange_item_topics BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER exchange_item_topics_data_version_delete AFTER DELETE ON exchange_item_topics BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER forum_categories_data_version_insert AFTER INSERT ON forum_categories BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER forum_categories_data_version_update AFTER UPDATE ON forum_categories BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER forum_categories_data_version_delete AFTER DELETE ON forum_categories BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER forum_threads_data_version_insert AFTER INSERT ON forum_threads BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER forum_threads_data_version_update AFTER UPDATE ON forum_threads BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER forum_threads_data_version_delete AFTER DELETE ON forum_threads BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER forum_posts_data_version_insert AFTER INSERT ON forum_posts BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER forum_posts_data_version_update AFTER UPDATE ON forum_posts BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER forum_posts_data_version_delete AFTER DELETE ON forum_posts BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER forum_flags_data_version_insert AFTER INSERT ON forum_flags BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER forum_flags_data_version_update AFTER UPDATE ON forum_flags BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER forum_flags_data_version_delete AFTER DELETE ON forum_flags BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER forum_watches_data_version_insert AFTER INSERT ON forum_watches BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER forum_watches_data_version_update AFTER UPDATE ON forum_watches BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER forum_watches_data_version_delete AFTER DELETE ON forum_watches BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER forum_mentions_data_version_insert AFTER INSERT ON forum_mentions BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER forum_mentions_data_version_update AFTER UPDATE ON forum_mentions BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER forum_mentions_data_version_delete AFTER DELETE ON forum_mentions BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

-- Signing in and out count; staying signed in does not.
CREATE TRIGGER sessions_data_version_insert AFTER INSERT ON sessions BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER sessions_data_version_delete AFTER DELETE ON sessions BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
-- A token made, revoked or used for the first time counts; later uses do not.
CREATE TRIGGER api_tokens_data_version_insert AFTER INSERT ON api_tokens BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER api_tokens_data_version_delete AFTER DELETE ON api_tokens BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER api_tokens_data_version_update AFTER UPDATE ON api_tokens
WHEN OLD.last_used_at IS NULL OR OLD.last_used_at IS NEW.last_used_at BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
-- A thread read up to a newer post counts; reading it again does not.
CREATE TRIGGER forum_reads_data_version_insert AFTER INSERT ON forum_reads BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER forum_reads_data_version_delete AFTER DELETE ON forum_reads BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER forum_reads_data_version_update AFTER UPDATE ON forum_reads
WHEN OLD.last_post_id IS NOT NEW.last_post_id BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
