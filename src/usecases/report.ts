/** What a use-case hands back to its command: a typed report, rendered once at the edge as text or JSON. */
export interface Report {
  /** False when the report itself is a failure (a check failed, a gate closed, drift). */
  ok: boolean;
}
