import { ReviewQueues } from "@/components/review/ReviewQueues";

export default function ReviewPage() {
  return <ReviewQueues />;
}
