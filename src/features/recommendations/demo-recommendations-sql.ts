import type { DialectSpelling } from '../materialize/dialect-spelling';

/** The model name the demo lists carry, so they are easy to tell from a real model's. */
export const DEMO_RECOMMENDATION_MODEL = 'demo-favourite-category';
/** Items per demo list. */
export const DEMO_LIST_SIZE = 20;

/**
 * Demo recommendation lists over the generated marts, so `npm start` users can try the
 * recommendations endpoint without an ML platform: for each user, the most-interacted available
 * posts of the user's favourite category (the category of most of their interactions) that the user
 * never interacted with, best first, at most 20; generated at the newest event of the marts.
 *
 * Rows have the shape `stratum recommendations load` reads (user_id, item_id, score, generated_at,
 * model). Exact but cheap: a user's top 20 unseen posts lie within the category's top
 * (20 + posts the user interacted with in it), so only those are joined, not every post.
 * Ties rank by content id. Identifiers come from the config (the marts' schema), never from a caller.
 */
export function demoRecommendationsSql(spelling: DialectSpelling, schema: string): string {
  const table = (name: string) => `${spelling.quote(schema)}.${spelling.quote(name)}`;
  const double = spelling.castType('FLOAT');
  return `WITH interactions AS (
  SELECT e.user_id, e.content_id, c.category, SUM(e.interaction_count) AS interaction_count
  FROM ${table('fct_user_engagement')} AS e
  JOIN ${table('dim_content')} AS c ON c.content_id = e.content_id
  WHERE e.user_id IS NOT NULL AND e.content_id IS NOT NULL
  GROUP BY e.user_id, e.content_id, c.category
),
by_category AS (
  SELECT user_id, category, SUM(interaction_count) AS interaction_count, COUNT(*) AS posts,
         ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY SUM(interaction_count) DESC, category) AS preference
  FROM interactions
  GROUP BY user_id, category
),
popular AS (
  SELECT c.content_id, c.category, SUM(i.interaction_count) AS score,
         ROW_NUMBER() OVER (PARTITION BY c.category ORDER BY SUM(i.interaction_count) DESC, c.content_id) AS category_rank
  FROM interactions AS i
  JOIN ${table('dim_content')} AS c ON c.content_id = i.content_id
  WHERE c.is_available
  GROUP BY c.content_id, c.category
),
candidates AS (
  SELECT f.user_id, p.content_id AS item_id, p.score,
         ROW_NUMBER() OVER (PARTITION BY f.user_id ORDER BY p.score DESC, p.content_id) AS user_rank
  FROM by_category AS f
  JOIN popular AS p ON p.category = f.category AND p.category_rank <= ${DEMO_LIST_SIZE} + f.posts
  LEFT JOIN interactions AS seen ON seen.user_id = f.user_id AND seen.content_id = p.content_id
  WHERE f.preference = 1 AND seen.content_id IS NULL
)
SELECT user_id, item_id, CAST(score AS ${double}) AS score,
       (SELECT MAX(event_timestamp) FROM ${table('fct_user_engagement')}) AS generated_at,
       '${DEMO_RECOMMENDATION_MODEL}' AS model
FROM candidates
WHERE user_rank <= ${DEMO_LIST_SIZE}`;
}
