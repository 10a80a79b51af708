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

CREATE FUNCTION data_changed() RETURNS trigger AS $$
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- Once per statement, so a bulk load bumps the number once.
CREATE TRIGGER programs_data_version AFTER INSERT OR UPDATE OR DELETE ON programs
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER users_data_version AFTER INSERT OR UPDATE OR DELETE ON users
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER role_grants_data_version AFTER INSERT OR UPDATE OR DELETE ON role_grants
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER program_milestones_data_version AFTER INSERT OR UPDATE OR DELETE ON program_milestones
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER program_commitments_data_version AFTER INSERT OR UPDATE OR DELETE ON program_commitments
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER program_required_sectors_data_version AFTER INSERT OR UPDATE OR DELETE ON program_required_sectors
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER program_key_questions_data_version AFTER INSERT OR UPDATE OR DELETE ON program_key_questions
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER program_rubric_data_version AFTER INSERT OR UPDATE OR DELETE ON program_rubric
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER applications_data_version AFTER INSERT OR UPDATE OR DELETE ON applications
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER application_answers_data_version AFTER INSERT OR UPDATE OR DELETE ON application_answers
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER application_members_data_version AFTER INSERT OR UPDATE OR DELETE ON application_members
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER application_priorities_data_version AFTER INSERT OR UPDATE OR DELETE ON application_priorities
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER review_assignments_data_version AFTER INSERT OR UPDATE OR DELETE ON review_assignments
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER review_scores_data_version AFTER INSERT OR UPDATE OR DELETE ON review_scores
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER state_teams_data_version AFTER INSERT OR UPDATE OR DELETE ON state_teams
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER team_members_data_version AFTER INSERT OR UPDATE OR DELETE ON team_members
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER instruments_data_version AFTER INSERT OR UPDATE OR DELETE ON instruments
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER instrument_levels_data_version AFTER INSERT OR UPDATE OR DELETE ON instrument_levels
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER indicators_data_version AFTER INSERT OR UPDATE OR DELETE ON indicators
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER assessment_rounds_data_version AFTER INSERT OR UPDATE OR DELETE ON assessment_rounds
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER member_ratings_data_version AFTER INSERT OR UPDATE OR DELETE ON member_ratings
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER consensus_ratings_data_version AFTER INSERT OR UPDATE OR DELETE ON consensus_ratings
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER element_reflections_data_version AFTER INSERT OR UPDATE OR DELETE ON element_reflections
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER snapshots_data_version AFTER INSERT OR UPDATE OR DELETE ON snapshots
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER snapshot_ratings_data_version AFTER INSERT OR UPDATE OR DELETE ON snapshot_ratings
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER snapshot_reflections_data_version AFTER INSERT OR UPDATE OR DELETE ON snapshot_reflections
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER result_sharing_data_version AFTER INSERT OR UPDATE OR DELETE ON result_sharing
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER expertise_data_version AFTER INSERT OR UPDATE OR DELETE ON expertise
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER activities_data_version AFTER INSERT OR UPDATE OR DELETE ON activities
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER activity_states_data_version AFTER INSERT OR UPDATE OR DELETE ON activity_states
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER activity_people_data_version AFTER INSERT OR UPDATE OR DELETE ON activity_people
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER action_items_data_version AFTER INSERT OR UPDATE OR DELETE ON action_items
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER plans_data_version AFTER INSERT OR UPDATE OR DELETE ON plans
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER plan_goals_data_version AFTER INSERT OR UPDATE OR DELETE ON plan_goals
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER plan_steps_data_version AFTER INSERT OR UPDATE OR DELETE ON plan_steps
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER plan_milestones_data_version AFTER INSERT OR UPDATE OR DELETE ON plan_milestones
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER plan_updates_data_version AFTER INSERT OR UPDATE OR DELETE ON plan_updates
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER plan_evidence_data_version AFTER INSERT OR UPDATE OR DELETE ON plan_evidence
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER peer_groups_data_version AFTER INSERT OR UPDATE OR DELETE ON peer_groups
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER peer_group_states_data_version AFTER INSERT OR UPDATE OR DELETE ON peer_group_states
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER exchange_partners_data_version AFTER INSERT OR UPDATE OR DELETE ON exchange_partners
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER exchange_items_data_version AFTER INSERT OR UPDATE OR DELETE ON exchange_items
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER exchange_item_topics_data_version AFTER INSERT OR UPDATE OR DELETE ON exchange_item_topics
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER forum_categories_data_version AFTER INSERT OR UPDATE OR DELETE ON forum_categories
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER forum_threads_data_version AFTER INSERT OR UPDATE OR DELETE ON forum_threads
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER forum_posts_data_version AFTER INSERT OR UPDATE OR DELETE ON forum_posts
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER forum_flags_data_version AFTER INSERT OR UPDATE OR DELETE ON forum_flags
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER forum_watches_data_version AFTER INSERT OR UPDATE OR DELETE ON forum_watches
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER forum_mentions_data_version AFTER INSERT OR UPDATE OR DELETE ON forum_mentions
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();

-- Signing in and out count (an invited member who has signed in has
-- accepted); staying signed in does not.
CREATE TRIGGER sessions_data_version AFTER INSERT OR DELETE ON sessions
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
-- A token made, revoked or used for the first time counts; later uses do not.
CREATE TRIGGER api_tokens_data_version AFTER INSERT OR DELETE ON api_tokens
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
CREATE TRIGGER api_tokens_data_version_update AFTER UPDATE ON api_tokens
FOR EACH ROW WHEN (OLD.last_used_at IS NULL OR OLD.last_used_at IS NOT DISTINCT FROM NEW.last_used_at)
EXECUTE FUNCTION data_changed();
-- A thread read up to a newer post counts; reading it again does not. Per
-- row: the reader's upsert is an INSERT statement even when it only updates.
CREATE TRIGGER forum_reads_data_version_insert AFTER INSERT ON forum_reads
FOR EACH ROW EXECUTE FUNCTION data_changed();
CREATE TRIGGER forum_reads_data_version_update AFTER UPDATE ON forum_reads
FOR EACH ROW WHEN (OLD.last_post_id IS DISTINCT FROM NEW.last_post_id)
EXECUTE FUNCTION data_changed();
CREATE TRIGGER forum_reads_data_version_delete AFTER DELETE ON forum_reads
FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
