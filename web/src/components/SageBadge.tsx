/** The mark a linked client or user carries: an image named "Sage Intacct". */
export function SageBadge() {
  return <img className="sage-badge" src="/sage-intacct.svg" alt="Sage Intacct" width={48} height={15} />;
}
