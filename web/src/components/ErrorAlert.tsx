/** A failure shown in words: the API's message, in an alert so screen readers announce it. */
import { ApiError } from '../api/client';

function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = error.details
      .filter((detail) => detail.message)
      .map((detail) => (detail.field ? `${detail.field}: ${detail.message}` : detail.message));
    return fields.length > 0 ? `${error.message} ${fields.join('; ')}` : error.message;
  }
  return 'Something went wrong. Try again.';
}

export function ErrorAlert({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p role="alert" className="alert">
      {messageOf(error)}
    </p>
  );
}
