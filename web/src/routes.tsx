import { createBrowserRouter, Navigate } from "react-router";
import { Shell } from "./components/Shell";
import { useAuth } from "./auth/AuthProvider";
import { home } from "./nav";
import { Analytics } from "./pages/Analytics";
import { Board } from "./pages/Board";
import { OrderPage } from "./pages/OrderPage";
import { PurchaseOrderPage, PurchaseOrders } from "./pages/Purchasing";
import { ResetPassword } from "./pages/ResetPassword";
import { Station } from "./pages/Station";
import { Stock } from "./pages/Stock";
import { UnitPage } from "./pages/UnitPage";
import { Users } from "./pages/Users";
import { Account } from "./pages/Account";

function Home() {
  const { me } = useAuth();
  return <Navigate to={home(me?.actions ?? [])} replace />;
}

export const router = createBrowserRouter([
  { path: "/reset-password", element: <ResetPassword /> },
  {
    path: "/",
    element: <Shell />,
    children: [
      { index: true, element: <Home /> },
      { path: "board", element: <Board /> },
      { path: "orders/:number", element: <OrderPage /> },
      { path: "units/:serial", element: <UnitPage /> },
      { path: "station", element: <Station /> },
      { path: "station/:stage", element: <Station /> },
      { path: "stock", element: <Stock /> },
      { path: "purchasing", element: <PurchaseOrders /> },
      { path: "purchasing/:number", element: <PurchaseOrderPage /> },
      { path: "analytics", element: <Analytics /> },
      { path: "users", element: <Users /> },
      { path: "account", element: <Account /> },
      { path: "*", element: <Home /> },
    ],
  },
]);
