"use client";
// A comma-separated list kept in the URL's query (?runs=a,b,c), so a comparison is a link to
// share. The URL seeds the state once; afterwards local state leads (a click answers at once)
// and is mirrored into the address bar with history.replaceState, without a server round trip.
// Reading the URL back on every render would race Next's asynchronous sync of replaceState.
import { useSearchParams } from "next/navigation";
import { useState } from "react";

const splitList = (value: string) =>
  value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

export function useUrlList(key: string): [string[], (values: string[]) => void] {
  const params = useSearchParams();
  const [values, setValuesState] = useState(() => splitList(params.get(key) ?? ""));
  const setValues = (next: string[]) => {
    setValuesState(next);
    const query = new URLSearchParams(window.location.search);
    if (next.length) query.set(key, next.join(","));
    else query.delete(key);
    const search = query.toString().replace(/%2C/g, ",");
    window.history.replaceState(window.history.state, "", search ? `${window.location.pathname}?${search}` : window.location.pathname);
  };
  return [values, setValues];
}
