-- Whether a team member has rated: the team roster and the home page look
-- up each member's ratings by person, which without this reads every
-- rating of every state.
CREATE INDEX member_ratings_user ON member_ratings (user_id);
