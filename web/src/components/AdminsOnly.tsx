/**
 * What a non-admin sees where the API answers admins only (spec §5: the connection, runs and
 * their records): the page, with a sentence saying why it is empty, instead of a refusal.
 */
export function AdminsOnly({ what }: { what: string }) {
  return <p className="panel">Only an admin of this workspace can see {what}. Ask an admin if you need it.</p>;
}
